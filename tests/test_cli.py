"""The ``sqlstore`` command through its real entry points: the installed script and main()."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

from sqlstore import Store
from sqlstore.cli import cli
from sqlstore.cli.queries import parse_params, parse_value
from sqlstore.dao import GenerationDAO, TaskDAO
from sqlstore.models import TaskCreate
from tests.factories import new_generation
from tests.helpers import APP, Result, builtin_migrations, invoke, one_line_error

SCRIPT = Path(sys.executable).with_name("sqlstore")
ROOT = Path(__file__).resolve().parent.parent


def run(*args: str, cwd: Path = ROOT) -> Result:
    """The installed ``sqlstore`` script in a subprocess."""
    done = subprocess.run([str(SCRIPT), *args], capture_output=True, text=True, cwd=cwd)
    return Result(done.returncode, done.stdout, done.stderr)


def _dialect(url: str) -> str:
    return "sqlite" if url.startswith("sqlite") else "postgresql"


def test_every_subcommand_has_help() -> None:
    assert set(cli.commands) >= {
        "migrate",
        "rollback",
        "status",
        "new",
        "queries",
        "show",
        "check",
        "explain",
        "stats",
        "demo",
        "break-lock",
    }
    for name in cli.commands:
        result = invoke(name, "--help")
        assert result.code == 0 and f"Usage: sqlstore {name}" in result.out, name


def test_migrate_status_rollback_through_the_script(sqlstore_blank_url: str) -> None:
    dialect = _dialect(sqlstore_blank_url)
    base = ["--database", sqlstore_blank_url, "--migration-dir", str(APP / "migrations")]
    status = run(*base, "status")
    assert status.code == 0 and f"pending  0001_generations.{dialect}" in status.out
    assert "applied " not in status.out
    total = len(re.findall(r"^pending ", status.out, re.M))
    assert status.out.rstrip().endswith(f"0 applied, {total} pending")
    # check compares the files with the migrated schema: not before.
    assert "pending migration" in one_line_error(invoke(*base, "check"))

    migrate = run(*base, "migrate")
    assert migrate.code == 0, migrate.err
    assert f"applied 0001_generations.{dialect}" in migrate.out
    assert f"applied 0001_notes.{dialect}" in migrate.out
    assert f"{total} migration(s) applied" in migrate.out
    # Not on a terminal: no progress (tests/test_cli_ops.py shows it on one).
    assert migrate.err == ""

    status = invoke(*base, "status")
    assert re.search(rf"^applied  0001_notes\.{dialect}  \d{{4}}-\d\d-\d\dT", status.out, re.M)
    assert status.out.rstrip().endswith(f"{total} applied, 0 pending")
    assert invoke(*base, "migrate").out.strip() == "0 migration(s) applied"

    back = invoke(*base, "rollback", "--steps", "2")
    assert back.code == 0 and back.out.count("rolled back ") == 2
    assert back.out.splitlines()[0] == f"rolled back 0001_notes.{dialect}"
    assert invoke(*base, "status").out.rstrip().endswith(f"{total - 2} applied, 2 pending")
    everything = invoke(*base, "rollback", "--all")
    assert everything.code == 0 and f"{total - 2} migration(s) rolled back" in everything.out
    assert invoke(*base, "status").out.rstrip().endswith(f"0 applied, {total} pending")


def test_python_dash_m_is_the_same_command(sqlstore_url: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "sqlstore", "--database", sqlstore_url, "status"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert done.returncode == 0 and "0001_generations" in done.stdout


def test_new_creates_paired_files_with_the_next_version(tmp_path: Path) -> None:
    folder = tmp_path / "migrations"
    first = invoke("new", "add_labels", "--dir", str(folder))
    assert first.code == 0, first.err
    assert first.out.count("created ") == 4
    for dialect in ("sqlite", "postgresql"):
        forward = folder / dialect / f"0001_add_labels.{dialect}.sql"
        text = forward.read_text()
        assert text.startswith("-- ")
        # An app's first migration depends on the last built-in one of its dialect.
        last = builtin_migrations(dialect)[-1]
        assert f"-- depends: {last}\n" in text
        assert (folder / dialect / f"0001_add_labels.{dialect}.rollback.sql").exists()
    assert invoke("new", "more_labels", "--dir", str(folder)).code == 0
    second = (folder / "sqlite" / "0002_more_labels.sqlite.sql").read_text()
    assert "-- depends: 0001_add_labels.sqlite\n" in second

    bad = invoke("new", "Add-Labels", "--dir", str(folder))
    assert "lower-case" in one_line_error(bad)
    clash = invoke("new", "generations", "--dir", str(tmp_path / "other"))
    assert "built-in migration id" in one_line_error(clash)
    assert not (tmp_path / "other").exists()  # nothing written


def test_new_defaults_to_the_migrations_folder_here(tmp_path: Path) -> None:
    result = run("new", "first_table", cwd=tmp_path)
    assert result.code == 0, result.err
    assert (tmp_path / "migrations/sqlite/0001_first_table.sqlite.sql").exists()
    assert (tmp_path / "migrations/postgresql/0001_first_table.postgresql.rollback.sql").exists()


NEW_TABLE = {
    "sqlite": "CREATE TABLE labels (\n    id INTEGER PRIMARY KEY NOT NULL,\n"
    "    name TEXT NOT NULL\n) STRICT;\n",
    "postgresql": "CREATE TABLE labels (\n"
    "    id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,\n    name TEXT NOT NULL\n);\n",
}


def test_a_new_migration_applies_and_rolls_back(sqlstore_blank_url: str, tmp_path: Path) -> None:
    dialect = _dialect(sqlstore_blank_url)
    folder = tmp_path / "app_migrations"
    assert invoke("new", "labels", "--dir", str(folder)).code == 0
    forward = folder / dialect / f"0001_labels.{dialect}.sql"
    forward.write_text(forward.read_text() + NEW_TABLE[dialect])
    rollback = folder / dialect / f"0001_labels.{dialect}.rollback.sql"
    rollback.write_text(rollback.read_text() + "DROP TABLE labels;\n")
    base = ["--database", sqlstore_blank_url, "--migration-dir", str(folder)]
    migrated = invoke(*base, "migrate")
    assert migrated.code == 0 and f"applied 0001_labels.{dialect}" in migrated.out
    assert re.search(r"^  labels +0$", invoke(*base, "stats").out, re.M)
    assert invoke(*base, "rollback").out.startswith(f"rolled back 0001_labels.{dialect}")
    assert "labels" not in invoke(*base, "stats").out


def test_queries_lists_every_query_with_where_it_runs_and_its_header() -> None:
    result = invoke("--sql-dir", str(APP / "sql"), "queries")
    assert result.code == 0
    assert re.search(
        r"^generations\.generations\.get +all +One generation by id\.$", result.out, re.M
    )
    assert re.search(r"^catalog\.backend_pid +postgresql +The server process", result.out, re.M)
    assert re.search(r"^notes\.broken_column +all +Names a column", result.out, re.M)
    # A header of several lines is shown as one.
    assert re.search(
        r"^generations\.generations\.stats +all +Generations by status .* key names\.$",
        result.out,
        re.M,
    )
    only = invoke("queries", "--dialect", "sqlite").out
    assert "catalog.backend_pid" not in only and "generations.generations.get" in only
    assert only.rstrip().endswith(" queries")


def test_show_prints_the_exact_sql_each_dialect_receives() -> None:
    lite = invoke("show", "generations.generations.set_status", "--dialect", "sqlite")
    assert lite.code == 0
    assert "-- dialect:    sqlite" in lite.out
    assert "-- file:       sql/generations/generations/set_status.sql" in lite.out
    assert ":from_statuses (a list, sent as JSON to json_each)" in lite.out
    assert "status IN (SELECT value FROM json_each(COALESCE(:from_statuses, '[null]')))" in lite.out
    pg = invoke("show", "generations.generations.set_status", "--dialect", "postgresql")
    assert "%(from_statuses)s (a list, sent as an array)" in pg.out
    assert "status = ANY(%(from_statuses)s)" in pg.out
    # Without --dialect the --database URL's dialect is used, and nothing connects.
    offline = run(
        "--database",
        "postgresql://app:s3cret@127.0.0.1:1/none",
        "show",
        "generations.prompts.get_by_text",
    )
    assert offline.code == 0 and "WHERE text = %(text)s" in offline.out
    assert "s3cret" not in offline.out + offline.err
    unknown = invoke("show", "generations.generations.gett", "--dialect", "sqlite")
    assert "did you mean 'generations.generations.get'" in one_line_error(unknown)


def test_check_passes_over_the_builtin_queries(sqlstore_url: str) -> None:
    result = run("--database", sqlstore_url, "check")
    assert result.code == 0, result.out + result.err
    assert re.search(r"^ok +generations\.generations\.get$", result.out, re.M)
    assert re.search(rf"^{_dialect(sqlstore_url)}: \d+ queries: \d+ ok, 0 failed", result.out, re.M)


def test_check_fails_on_a_broken_query_with_its_file_and_line(sqlstore_url: str) -> None:
    result = run("--database", sqlstore_url, "--sql-dir", str(APP / "sql"), "check")
    assert result.code == 1
    line = next(x for x in result.out.splitlines() if x.startswith("failed"))
    assert re.match(
        r"failed +notes\.broken_column  tests/app/sql/notes/broken_column\.sql:2: .*no_such_column",
        line,
    )
    assert "error: 1 query(ies) failed the check" in result.err
    assert "Traceback" not in result.err


def test_check_plans_shows_plans_and_warnings(sqlstore_url: str, tmp_path: Path) -> None:
    folder = tmp_path / "sql" / "scan"
    folder.mkdir(parents=True)
    (folder / "lower.sql").write_text(
        "-- Defeats the index.\nSELECT id FROM generations WHERE LOWER(status) = :s;\n"
    )
    result = invoke(
        "--database", sqlstore_url, "--sql-dir", str(tmp_path / "sql"), "check", "--plans"
    )
    assert result.code == 0, result.err
    block = result.out.split("scan.lower", 1)[1].split("\nok ", 1)[0]
    assert "    | " in block
    assert re.search(
        r"    warning \[full-scan\] \S*lower\.sql:1: full scan of generations although the "
        "WHERE clause names status",
        block,
    )
    assert re.search(r"; 1 warning\(s\), \d+ reviewed$", result.out.rstrip())


def test_explain_shows_a_plan_for_real_values(sqlstore_url: str) -> None:
    result = invoke(
        "--database", sqlstore_url, "explain", "generations.generations.count", "status=pending"
    )
    assert result.code == 0, result.err
    assert "generations" in result.out
    listed = invoke(
        "--database",
        sqlstore_url,
        "explain",
        "generations.generations.set_status",
        "status=failed",
        "error_message=boom",
        "now=2026-01-01T00:00:00+00:00",
        "id=00000000-0000-0000-0000-000000000001",
        'from_statuses=["pending", "processing"]',
    )
    assert listed.code == 0, listed.err
    missing = invoke("--database", sqlstore_url, "explain", "generations.generations.count")
    assert "missing parameter :status" in one_line_error(missing)
    bad = invoke("--database", sqlstore_url, "explain", "generations.generations.count", "status")
    assert "'status' is not KEY=VALUE" in one_line_error(bad) and bad.code == 2


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("12", 12),
        ("-3", -3),
        ("1.5", 1.5),
        ("1e3", 1000.0),
        ("null", None),
        ("NULL", None),
        ("true", True),
        ("False", False),
        ('{"a": [1, 2]}', {"a": [1, 2]}),
        ("[1, 2]", [1, 2]),
        ('"12"', "12"),
        ("pending", "pending"),
        ("nan", "nan"),
        ("2026-01-01T00:00:00+00:00", "2026-01-01T00:00:00+00:00"),
        ("", ""),
    ],
)
def test_explain_values_are_read_as_documented(text: str, value: object) -> None:
    assert parse_value(text) == value and type(parse_value(text)) is type(value)


def test_explain_refuses_malformed_pairs() -> None:
    import click

    assert parse_params(("a=1", "b=x=y")) == {"a": 1, "b": "x=y"}
    for pairs in (("a",), ("=1",), ("a=1", "a=2"), ("a={oops",)):
        with pytest.raises(click.BadParameter):
            parse_params(pairs)


def test_stats_counts_rows_and_shows_each_stores_figures(store: Store, sqlstore_url: str) -> None:
    with store.session() as session:
        gens = GenerationDAO(session)
        gens.create(new_generation(prompt="lofi"))
        done = gens.create(new_generation(prompt="lofi"))
        gens.fail(done.id, "out of memory")
        TaskDAO(session).add(TaskCreate(endpoint="/transcribe", data={"media": "m1"}))
    result = invoke("--database", sqlstore_url, "stats", "--top", "3")
    assert result.code == 0, result.err
    out = result.out
    assert "database: " in out
    assert re.search(r"^  generations +2$", out, re.M)
    assert re.search(r"^  prompts +1$", out, re.M)
    assert re.search(r"^  tasks +1$", out, re.M)
    assert re.search(r"^  notes +0$", out, re.M)
    assert re.search(r"^  pending +1$", out, re.M) and re.search(r"^  failed +1$", out, re.M)
    assert "top prompts (of 1):\n       2 x 'lofi'" in out
    tasks = out.split("tasks by status:", 1)[1]
    assert re.search(r"^  created +1$", tasks, re.M) and re.search(r"^  total +1$", tasks, re.M)
    assert "counting rows" in result.err


def test_demo_is_what_make_run_runs(sqlstore_blank_url: str) -> None:
    first = run("--database", sqlstore_blank_url, "demo")
    assert first.code == 0, first.err
    assert "migrations applied: 0001_generations" in first.out and "completed " in first.out
    again = invoke("--database", sqlstore_blank_url, "demo")
    assert "none (already up to date)" in again.out


def test_break_lock(sqlstore_url: str) -> None:
    result = invoke("--database", sqlstore_url, "break-lock")
    assert result.code == 0 and result.out.strip() == "migration lock cleared"


def test_user_mistakes_are_one_line_without_traceback() -> None:
    mysql = run("--database", "mysql://root:s3cret@db/app", "status")
    assert "unknown database URL scheme 'mysql'" in one_line_error(mysql)
    assert "s3cret" not in mysql.err
    assert "does not exist" in one_line_error(invoke("--sql-dir", "/no/such/folder", "queries"))
    assert "No such command" in one_line_error(invoke("migrat"))
    steps = invoke("rollback", "--steps", "0")
    assert steps.code == 2 and "--steps" in one_line_error(steps)


def test_an_unreachable_server_never_shows_the_password() -> None:
    result = run(
        "--database", "postgresql://alice:s3cret-pw@127.0.0.1:1/app?connect_timeout=1", "status"
    )
    line = one_line_error(result)
    assert "cannot connect" in line and "alice:***@" in line
    assert "s3cret" not in result.out + result.err


@pytest.mark.postgresql_only
def test_a_url_with_a_password_is_shown_hidden(sqlstore_url: str) -> None:
    # The test server trusts local connections, so any password is accepted.
    parts = urlsplit(sqlstore_url)
    user = parts.username or "postgres"
    netloc = f"{user}:pa55-word@{parts.hostname}:{parts.port or 5432}"
    url = urlunsplit(parts._replace(netloc=netloc))
    result = run("--database", url, "status")
    assert result.code == 0, result.err
    assert f"database: postgresql://{user}:***@" in result.out
    assert "pa55-word" not in result.out + result.err
    missing = run("--database", url.rsplit("/", 1)[0] + "/no_such_db_here", "status")
    assert "pa55-word" not in missing.out + missing.err
    assert "***" in one_line_error(missing)
