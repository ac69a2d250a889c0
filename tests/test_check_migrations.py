"""``sqlstore check-migrations``: squawk, rollbacks that undo, dialects that agree."""

from __future__ import annotations

import json
from pathlib import Path

from sqlstore import connect
from tests.helpers import APP, builtin_migrations, invoke

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "extended_video" / "migrations"


def _run(server: str, *args: str, dirs: tuple[Path, ...] = ()) -> tuple[int, dict]:
    base = ["--database", server]
    for d in dirs:
        base += ["--migration-dir", str(d)]
    result = invoke(*base, "check-migrations", "--format", "json", *args)
    assert "Traceback" not in result.err
    return result.code, json.loads(result.out)


def test_the_builtin_and_shipped_migrations_pass(sqlstore_postgres_server: str) -> None:
    code, report = _run(
        sqlstore_postgres_server, "--fail-on", "warning", dirs=(APP / "migrations", EXAMPLE)
    )
    assert code == 0, report
    assert report["findings"] == []
    shipped = sum(len(list(d.glob("*/*.*.sql"))) for d in (APP / "migrations", EXAMPLE)) // 2
    builtin = len(builtin_migrations("sqlite")) + len(builtin_migrations("postgresql"))
    assert report["summary"] == {"errors": 0, "warnings": 0, "migrations": builtin + shipped}
    text = invoke("--database", sqlstore_postgres_server, "check-migrations")
    assert text.code == 0 and text.out.endswith("0 error(s), 0 warning(s)\n")
    assert text.err == ""  # not a terminal: no progress


BROKEN = {
    # Forgets its view (SQLite) or its sequence (PostgreSQL) on rollback; rewrites a
    # column's type (squawk); and has a column the other dialect lacks.
    "sqlite": (
        "CREATE TABLE labels (id INTEGER PRIMARY KEY NOT NULL, extra TEXT) STRICT;\n"
        "CREATE VIEW label_ids AS SELECT id FROM labels;\n"
    ),
    "postgresql": (
        "CREATE TABLE labels (id BIGINT PRIMARY KEY);\n"
        "CREATE SEQUENCE labels_seq;\n"
        "-- squawk-ignore prefer-robust-stmts\n"
        "ALTER TABLE generations ALTER COLUMN model_name TYPE VARCHAR(200);\n"
    ),
}


def _broken_app(tmp_path: Path) -> Path:
    for dialect, body in BROKEN.items():
        folder = tmp_path / "app" / dialect
        folder.mkdir(parents=True)
        (folder / f"0001_labels.{dialect}.sql").write_text(
            f"-- A broken app migration.\n-- depends: 0004_agents.{dialect}\n{body}"
        )
        (folder / f"0001_labels.{dialect}.rollback.sql").write_text(
            "-- Undo it, or most of it.\nDROP TABLE labels;\n"
        )
    return tmp_path / "app"


def test_a_broken_app_folder_is_reported_file_by_file(
    sqlstore_postgres_server: str, tmp_path: Path
) -> None:
    app = _broken_app(tmp_path)
    code, report = _run(sqlstore_postgres_server, dirs=(app,))
    assert code == 1
    found = {(Path(f["file"]).name, f["rule"]) for f in report["findings"]}
    assert found >= {
        ("0001_labels.sqlite.rollback.sql", "rollback-incomplete"),
        ("0001_labels.postgresql.rollback.sql", "rollback-incomplete"),
        ("0001_labels.postgresql.sql", "changing-column-type"),
        ("0001_labels.postgresql.sql", "squawk-ignore-without-reason"),
    }, found
    by_rule = {f["rule"]: f for f in report["findings"]}
    assert by_rule["changing-column-type"]["line"] == 6
    assert by_rule["squawk-ignore-without-reason"]["line"] == 5
    leak = next(f for f in report["findings"] if f["file"].endswith("sqlite.rollback.sql"))
    assert "left behind: view label_ids" in leak["message"]
    differs = [f["message"] for f in report["findings"] if f["rule"] == "dialects-differ"]
    assert differs == ["column labels.extra (NULL allowed): only on sqlite once migrated"]
    assert set(report["findings"][0]) == {"file", "line", "rule", "message", "level"}
    assert report["summary"]["errors"] >= 4


EXTRA = {
    "sqlite": "CREATE TABLE extras (id INTEGER PRIMARY KEY NOT NULL, n INTEGER NOT NULL) STRICT;\n",
    "postgresql": (
        "-- squawk-ignore-file require-lock-timeout -- reviewed: a test\n"
        "-- squawk-ignore-file require-statement-timeout -- reviewed: a test\n"
        "-- squawk-ignore-file prefer-bigint-over-int -- reviewed: a test\n"
        "CREATE TABLE extras (id INTEGER PRIMARY KEY, n INTEGER NOT NULL);\n"
        "CREATE INDEX ix_extras_n ON extras (n);\n"
    ),
}


def _extra_app(root: Path, mark: str) -> Path:
    """An app whose PostgreSQL migration adds an index SQLite does not have."""
    for dialect, body in EXTRA.items():
        folder = root / dialect
        folder.mkdir(parents=True)
        (folder / f"0001_extras.{dialect}.sql").write_text(
            f"-- An index on one dialect.\n-- depends: 0004_agents.{dialect}\n{mark}\n{body}"
        )
        (folder / f"0001_extras.{dialect}.rollback.sql").write_text(
            "-- Undo it.\n-- squawk-ignore-file require-lock-timeout -- reviewed: a test\n"
            "-- squawk-ignore-file require-statement-timeout -- reviewed: a test\n"
            "DROP TABLE extras;\n"
        )
    return root


def test_a_difference_between_the_dialects_may_be_reviewed_with_a_reason(
    sqlstore_postgres_server: str, tmp_path: Path
) -> None:
    differs = "index ix_extras_n on extras: only on postgresql once migrated"
    plain = _extra_app(tmp_path / "plain", "-- no review")
    _, report = _run(sqlstore_postgres_server, dirs=(plain,))
    assert [f["message"] for f in report["findings"]] == [differs], report
    mark = "-- reviewed: dialects-differ (ix_extras_n): PostgreSQL only, for a test"
    code, report = _run(sqlstore_postgres_server, dirs=(_extra_app(tmp_path / "ok", mark),))
    assert (code, report["findings"]) == (0, []), report
    bare = _extra_app(tmp_path / "bare", "-- reviewed: dialects-differ (ix_extras_n)")
    code, report = _run(sqlstore_postgres_server, dirs=(bare,))
    assert code == 1
    assert {(f["rule"], f["line"]) for f in report["findings"]} == {
        ("reviewed-without-reason", 3),
        ("dialects-differ", None),
    }, report


def test_without_a_server_only_sqlite_is_round_tripped(tmp_path: Path) -> None:
    code, report = _run(f"sqlite:///{tmp_path / 'unused.db'}")
    assert code == 0
    assert [f["rule"] for f in report["findings"]] == ["not-checked"]
    assert report["findings"][0]["level"] == "warning"
    strict, _ = _run(f"sqlite:///{tmp_path / 'unused.db'}", "--fail-on", "warning")
    assert strict == 3
    assert not (tmp_path / "unused.db").exists()


def test_a_squawk_exception_does_not_change_an_applied_migration(
    sqlstore_blank_url: str, tmp_path: Path
) -> None:
    dialect = "sqlite" if sqlstore_blank_url.startswith("sqlite") else "postgresql"
    folder = tmp_path / "app" / dialect
    folder.mkdir(parents=True)
    forward = folder / f"0001_labels.{dialect}.sql"
    forward.write_text(
        f"-- Labels.\n-- depends: 0001_generations.{dialect}\n"
        "CREATE TABLE labels (id BIGINT PRIMARY KEY);\n"
    )
    (folder / f"0001_labels.{dialect}.rollback.sql").write_text("DROP TABLE labels;\n")
    with connect(sqlstore_blank_url, migration_dirs=[tmp_path / "app"]) as store:
        store.migrate()
        text = forward.read_text()
        forward.write_text(
            text.replace(
                "CREATE",
                "-- squawk-ignore-file prefer-robust-stmts -- reviewed: a new table\nCREATE",
            )
        )
        assert not any(s.changed for s in store.migration_status())
        forward.write_text(text.replace("CREATE", "-- Any other comment.\nCREATE"))
        assert [s.id for s in store.migration_status() if s.changed] == [f"0001_labels.{dialect}"]
