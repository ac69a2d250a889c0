"""The checker: every SQL file compiled by the migrated database itself, and plan warnings."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from sqlstore import Store, connect
from sqlstore.check import (
    Finding,
    Indexes,
    check_queries,
    explain,
    full_scan_warnings,
    locate,
    statement_kind,
)
from sqlstore.cli import main
from sqlstore.dao import GenerationDAO
from sqlstore.errors import MigrationError, ParameterError, QueryError, QueryNotFound
from sqlstore.sqltext import parse
from tests.factories import new_generation
from tests.helpers import findings_by_name as _by_name
from tests.helpers import write_files as _write

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted(p for p in (ROOT / "examples").glob("*") if (p / "migrations").is_dir())


def _failures(findings: list[Finding]) -> list[str]:
    return [f"{f.query} {f.where}: {f.message}" for f in findings if f.status == "failed"]


def test_every_builtin_and_example_query_passes(sqlstore_blank_url: str) -> None:
    sql_dirs = [p / "sql" for p in EXAMPLES if (p / "sql").is_dir()]
    migration_dirs = [p / "migrations" for p in EXAMPLES]
    with connect(sqlstore_blank_url, sql_dirs=sql_dirs, migration_dirs=migration_dirs) as store:
        with pytest.raises(MigrationError, match="pending migration"):
            check_queries(store)
        store.migrate()
        findings = check_queries(store)
        assert _failures(findings) == []
        found = _by_name(findings)
        assert (
            found["generations.generations.get"].status == "ok"
            and found["tasks.claim"].status == "ok"
        )
        # Everything compiles but what cannot be compiled without running it.
        for query in store.registry:
            kind = statement_kind(query.statement)
            expected = "ok" if kind not in ("DO", "COPY") else "not checkable"
            assert found[query.name].status == expected, found[query.name]
        if store.dialect.name == "postgresql":
            assert found["catalog.truncate_all"].status == "not checkable"
            assert "DO block" in found["catalog.truncate_all"].message
        else:
            assert found["catalog.truncate_all"].status == "skipped"
            assert found["catalog.truncate_all"].message == "postgresql only"


def test_a_missing_column_is_reported_with_file_and_line(store: Store) -> None:
    findings = check_queries(store)
    broken = _by_name(findings)["notes.broken_column"]
    assert broken.status == "failed" and broken.line == 2
    assert broken.path.name == "broken_column.sql"
    assert "no_such_column" in broken.message
    assert broken.where.endswith("tests/app/sql/notes/broken_column.sql:2")
    assert _failures(findings) == [f"notes.broken_column {broken.where}: {broken.message}"]


BROKEN = {
    "bad/syntax.sql": "-- Broken on purpose: WHERE twice.\nSELECT id\n"
    "FROM generations WHERE WHERE id = :id;\n",
    "bad/no_table.sql": "-- A table that is not there.\nSELECT g.id\nFROM generations AS g\n"
    "INNER JOIN no_such_table AS n ON g.id = n.id;\n",
    "bad/insert_column.sql": "-- Inserts into a column that is not there.\n"
    "INSERT INTO generations (\n    id,\n    no_such_field\n) VALUES (:id, :x);\n",
    "bad/fine.sql": "-- Fine.\nSELECT COUNT(*) AS n FROM generations WHERE status = :status;\n",
    "bad/pg_only.postgresql.sql": "-- Fine on PostgreSQL.\nSELECT PG_BACKEND_PID() AS pid;\n",
    "bad/block.postgresql.sql": "-- A DO block.\nDO $$ BEGIN PERFORM 1; END $$;\n",
    "bad/pragma.sqlite.sql": "-- A pragma.\nPRAGMA user_version;\n",
}


def test_syntax_errors_and_missing_names_are_reported_on_their_line(
    sqlstore_url: str, tmp_path: Path
) -> None:
    folder = _write(tmp_path / "sql", BROKEN)
    with connect(sqlstore_url, sql_dirs=[folder]) as store:
        found = _by_name(check_queries(store))
        dialect = store.dialect.name
    assert (found["bad.syntax"].status, found["bad.syntax"].line) == ("failed", 3)
    assert "syntax error" in found["bad.syntax"].message
    assert (found["bad.no_table"].status, found["bad.no_table"].line) == ("failed", 4)
    assert "no_such_table" in found["bad.no_table"].message
    assert (found["bad.insert_column"].status, found["bad.insert_column"].line) == ("failed", 4)
    assert found["bad.fine"].status == "ok"
    if dialect == "postgresql":
        assert found["bad.pg_only"].status == "ok"
        assert found["bad.block"].status == "not checkable"
        assert found["bad.pragma"].status == "skipped"
    else:
        assert found["bad.pg_only"].status == "skipped"
        assert found["bad.block"].status == "skipped"
        assert found["bad.pragma"].status == "not checkable"
        assert "PRAGMA" in found["bad.pragma"].message


def test_check_changes_no_data_and_leaves_nothing_prepared(
    sqlstore_url: str, tmp_path: Path
) -> None:
    folder = _write(
        tmp_path / "sql",
        {
            "probe/prepared.postgresql.sql": "-- Statements prepared on this session.\n"
            "SELECT COUNT(*) AS n FROM pg_prepared_statements;\n",
            "probe/insert.sql": "-- An insert the check must not run.\n"
            "INSERT INTO prompts (text, used_count) VALUES ('from check', 1);\n",
        },
    )
    # One connection, so the probe sees the session the check used.
    url = sqlstore_url + ("&" if "?" in sqlstore_url else "?") + "pool_size=1&max_overflow=0"
    with connect(url, sql_dirs=[folder]) as store:
        with store.session() as session:
            GenerationDAO(session).create(new_generation(prompt="kept"))
        before = _counts(store)
        findings = check_queries(store, plans=True)
        assert _by_name(findings)["probe.insert"].status == "ok"
        assert _counts(store) == before == {"generations": 1, "prompts": 1}
        if store.dialect.name == "postgresql":
            with store.session() as session:
                assert session.fetch_value("probe.prepared") == 0


def _counts(store: Store) -> dict[str, int]:
    with store.session(readonly=True) as session:
        return {
            "generations": session.fetch_value("generations.generations.count", status=None),
            "prompts": len(session.fetch_all("generations.prompts.most_used", limit=100)),
        }


def test_plans_flag_a_full_scan_an_index_should_avoid(sqlstore_url: str, tmp_path: Path) -> None:
    folder = _write(
        tmp_path / "sql",
        {
            "plans/lower_status.sql": "-- A function around an indexed column.\n"
            "SELECT id FROM generations WHERE LOWER(status) = :status;\n",
            "plans/by_status.sql": "-- The index serves this.\n"
            "SELECT id FROM generations WHERE status = :status;\n",
            "plans/everything.sql": "-- No WHERE: reading everything is the point.\n"
            "SELECT id FROM generations;\n",
            "plans/aliased.sql": "-- Aliased, so SQLite names the alias in its plan.\n"
            "SELECT g.id FROM generations AS g WHERE LOWER(g.model_name) = :m;\n",
        },
    )
    with connect(sqlstore_url, sql_dirs=[folder]) as store:
        found = _by_name(check_queries(store, plans=True))
    lower = found["plans.lower_status"]
    assert lower.plan and lower.warnings == (
        "full scan of generations although the WHERE clause names status "
        "(leads ix_generations_status)",
    )
    assert found["plans.aliased"].warnings and "model_name" in found["plans.aliased"].warnings[0]
    assert found["plans.by_status"].plan and found["plans.by_status"].warnings == ()
    assert found["plans.everything"].plan and found["plans.everything"].warnings == ()
    assert found["generations.generations.get"].warnings == ()


def test_explain_shows_the_plan_for_real_values(store: Store) -> None:
    plan = explain(store, "generations.generations.count", {"status": "pending"})
    assert plan and "generations" in "\n".join(plan)
    with store.session() as session:
        before = session.fetch_value("generations.generations.count", status=None)
    # Explaining an insert does not run it.
    explain(store, "generations.prompts.track_usage", {"text": "never stored", "now": "2026-01-01"})
    with store.session() as session:
        assert session.fetch_value("generations.generations.count", status=None) == before
        assert session.fetch_one("generations.prompts.get_by_text", text="never stored") is None
    with pytest.raises(ParameterError, match="missing parameter :status"):
        explain(store, "generations.generations.count", {})
    with pytest.raises(QueryNotFound, match=r"did you mean 'generations\.generations\.count'"):
        explain(store, "generations.generations.cout", {"status": None})
    if store.dialect.name == "postgresql":
        with pytest.raises(QueryError, match="DO statements cannot be explained"):
            explain(store, "catalog.truncate_all", {})


# Pure helpers: no database.


@pytest.mark.parametrize(
    ("sql", "kind"),
    [
        ("-- h\nSELECT 1", "SELECT"),
        ("/* c */ with x AS (SELECT 1) SELECT * FROM x", "WITH"),
        ("DO $$ BEGIN END $$", "DO"),
        ("-- h\nCOPY t (a) FROM STDIN", "COPY"),
        ("(SELECT 1)", "SELECT"),
    ],
)
def test_statement_kind(sql: str, kind: str) -> None:
    assert statement_kind(parse(sql)) == kind


SOURCE = """-- header naming nope_col and no_such_table
SELECT
    g.id,
    'nope_col' AS literal,
    g.nope_col
FROM generations AS g
INNER JOIN no_such_table AS n ON g.id = n.id
WHERE g.status = :status AND
"""


@pytest.mark.parametrize(
    ("message", "line"),
    [
        ("no such column: g.nope_col", 5),
        ("column g.nope_col does not exist", 5),
        ('column "nope_col" does not exist', 5),
        ("no such table: no_such_table", 7),
        ('relation "no_such_table" does not exist', 7),
        ('near "INNER": syntax error', 7),
        ("incomplete input", 8),
        ("something the checker does not know", 1),
    ],
)
def test_locate_finds_the_named_identifier_outside_comments_and_strings(
    message: str, line: int
) -> None:
    assert locate(parse(SOURCE), message) == line


INDEXES = Indexes.from_rows(
    [
        {
            "table_name": "t",
            "index_name": "ix_t_a",
            "column_name": "a",
            "position": 1,
            "partial": 0,
        },
        {
            "table_name": "t",
            "index_name": "ix_t_a",
            "column_name": "b",
            "position": 2,
            "partial": 0,
        },
        {
            "table_name": "t",
            "index_name": "ix_t_q",
            "column_name": "c",
            "position": 1,
            "partial": 1,
        },
    ]
)


@pytest.mark.parametrize(
    ("dialect", "sql", "plan", "flagged"),
    [
        ("sqlite", "SELECT x FROM t WHERE a = :a", ["SCAN t"], True),
        ("sqlite", "SELECT x FROM t AS k WHERE k.a = :a", ["SCAN k"], True),
        ("sqlite", "SELECT x FROM t WHERE a = :a", ["SEARCH t USING INDEX ix_t_a (a=?)"], False),
        ("sqlite", "SELECT x FROM t WHERE b = :b", ["SCAN t"], False),  # b leads no index
        ("sqlite", "SELECT x FROM t WHERE a = 1", ["SCAN t USING INDEX ix_t_q"], False),
        ("sqlite", "SELECT x FROM t ORDER BY a", ["SCAN t USING INDEX ix_t_a"], False),
        ("postgresql", "SELECT x FROM t WHERE a = :a", ["Seq Scan on t", "  Filter: x"], True),
        (
            "postgresql",
            "SELECT x FROM t WHERE a = :a",
            ["Index Scan using ix_t_a on t", "  Index Cond: (a = $1)"],
            False,
        ),
        (
            "postgresql",
            "SELECT x FROM t WHERE a = :a OR :a IS NULL",
            ["Aggregate", "  ->  Bitmap Heap Scan on t", "        ->  Bitmap Index Scan on ix_t_a"],
            True,
        ),
        (
            "postgresql",
            "SELECT x FROM t WHERE a = :a",
            ["Limit", "  ->  Index Scan using ix_t_q on t", "        Filter: (a = $1)"],
            False,  # a partial index read in order, not the table
        ),
    ],
)
def test_full_scan_heuristic(dialect: str, sql: str, plan: list[str], flagged: bool) -> None:
    warnings = full_scan_warnings(parse(sql), plan, INDEXES, dialect)
    assert bool(warnings) is flagged, warnings
    if flagged:
        assert warnings == ["full scan of t although the WHERE clause names a (leads ix_t_a)"]


# One bad file never stops the run (issue 11): files that do not load, and files
# the driver itself refuses, are each reported, and every other file is checked.

BAD_FILES = {
    "bad/unterminated.sql": "-- An open quote.\nSELECT id\nFROM generations\n"
    "WHERE status = 'open;\n",
    "bad/two.sql": "-- Two statements.\nSELECT 1 AS one;\nSELECT 2 AS two;\n",
    "bad/at_param.sql": "-- A parameter style sqlstore does not use.\nSELECT @y AS y;\n",
    "bad/positional.sql": "-- A positional parameter.\nSELECT id FROM generations WHERE id = ?;\n",
    "bad/no_column.sql": "-- A column that is not there.\nSELECT nope FROM generations;\n",
    "bad/then.sql": "-- Fine: THEN:y is a parameter.\n"
    "SELECT CASE WHEN :x > 0 THEN:y ELSE 0 END AS v;\n",
    "bad/array.postgresql.sql": "-- Fine: both parameters of the array.\n"
    "SELECT ARRAY[:a, :b] AS pair;\n",
    "bad/array.sqlite.sql": "-- Fine.\nSELECT json_array(:a, :b) AS pair;\n",
    "bad/fine.sql": "-- Fine.\nSELECT COUNT(*) AS n FROM generations WHERE status = :status;\n",
}
NOT_UTF8 = b"-- Latin-1.\nSELECT 'caf\xe9' AS x;\n"
FAILING = {
    "bad.unterminated": (4, "unterminated string literal"),
    "bad.two": (3, "one statement"),
    "bad.at_param": (2, ""),
    "bad.positional": (None, ""),
    "bad.no_column": (2, "nope"),
    "bad.latin1": (2, "not UTF-8"),
}


def _bad_folder(tmp_path: Path) -> Path:
    folder = _write(tmp_path / "sql", BAD_FILES)
    (folder / "bad" / "latin1.sql").write_bytes(NOT_UTF8)
    return folder


def test_check_reports_every_bad_file_and_goes_on(sqlstore_url: str, tmp_path: Path) -> None:
    folder = _bad_folder(tmp_path)
    seen: list[str] = []
    # The files are the app's: the store itself could not even load them.
    with pytest.raises(QueryError), connect(sqlstore_url, sql_dirs=[folder]):
        pass
    with connect(sqlstore_url) as store:
        findings = check_queries(store, sql_dirs=[folder], each=lambda f: seen.append(f.query))
    found = _by_name(findings)
    assert seen == [f.query for f in findings]
    for name, (line, words) in FAILING.items():
        assert found[name].status == "failed", found[name]
        assert words in found[name].message, found[name]
        assert found[name].path.parent == folder / "bad"
        if line is not None:
            assert found[name].line == line, found[name]
    assert {f.query for f in findings if f.status == "failed"} == set(FAILING)
    for name in ("bad.then", "bad.array", "bad.fine", "generations.generations.get", "tasks.claim"):
        assert found[name].status == "ok", found[name]
    # Every built-in query was still checked.
    assert {q.name for q in store.registry} <= set(found)


def test_check_command_reports_every_bad_file_and_ends_with_a_summary(
    sqlstore_url: str, tmp_path: Path
) -> None:
    folder = _bad_folder(tmp_path)
    with CliRunner().isolation() as (out, err, _):
        code = main(["--database", sqlstore_url, "--sql-dir", str(folder), "check"])
    stdout, stderr = out.getvalue().decode(), err.getvalue().decode()
    assert code == 1, stdout + stderr
    failed = [line.split()[1] for line in stdout.splitlines() if line.startswith("failed")]
    assert sorted(failed) == sorted(FAILING)
    assert re.search(r"^failed +bad\.two  \S*bad/two\.sql:3: .*one statement", stdout, re.M)
    assert re.search(r"^ok +bad\.then$", stdout, re.M)
    last = stdout.splitlines()[-1]
    dialect = "sqlite" if sqlstore_url.startswith("sqlite") else "postgresql"
    match = re.fullmatch(rf"{dialect}: (\d+) queries: (\d+) ok, (\d+) failed, .*", last)
    assert match, last
    assert int(match[3]) == len(FAILING)
    assert stderr.strip() == f"error: {len(FAILING)} query(ies) failed the check"
    assert "Traceback" not in stdout + stderr
