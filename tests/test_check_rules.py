"""``sqlstore check`` beyond compiling: models, DAO calls, double quotes, plans, CI output."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from sqlstore import connect
from sqlstore._check_calls import scan, scan_source
from sqlstore._check_models import accepted_kinds
from sqlstore.check import check_queries, dao_dir
from sqlstore.cli import main
from sqlstore.errors import QueryError
from sqlstore.queries import Registry
from sqlstore.sqltext import parse
from tests.helpers import findings_by_name as _by_name
from tests.helpers import write_files as _write

ROOT = Path(__file__).resolve().parent.parent
APP_DAO = ROOT / "tests" / "check_app" / "dao.py"
PROMPT_ROW = "tests.check_app.models.PromptRow"
COLUMNS = "id, text, used_count, last_used_at"

APP_FILES = {
    "app/prompt_by_text.sql": f"-- Right.\n-- returns: one {PROMPT_ROW}\n"
    f"SELECT {COLUMNS} FROM prompts WHERE text = :text;\n",
    "app/missing_field.sql": f"-- No last_used_at.\n-- returns: many {PROMPT_ROW}\n"
    "SELECT\n    id, text, used_count\nFROM prompts;\n",
    "app/wrong_type.sql": f"-- Text into an int.\n-- returns: many {PROMPT_ROW}\n"
    "SELECT\n    used_count,\n    text AS id,\n    text,\n    last_used_at\nFROM prompts;\n",
    "app/extra.sql": f"-- A column the model forbids.\n-- returns: many {PROMPT_ROW}\n"
    f"SELECT\n    {COLUMNS},\n    first_used_at\nFROM prompts;\n",
    "app/unknown_model.sql": "-- No such model.\n-- returns: one NoSuchModel\nSELECT 1 AS id;\n",
    "app/task_refs.sql": "-- Right, extra columns ignored.\n"
    "-- returns: many tests.check_app.models.TaskRef\n"
    "SELECT id, status, endpoint FROM tasks WHERE user_id = :user_id;\n",
    "app/dqs.sql": "-- A string in double quotes.\nSELECT id\nFROM tasks\n"
    'WHERE status = "pending";\n',
    "app/known_dqs.sql": '-- A real column, double-quoted.\nSELECT "id" FROM tasks;\n',
    "app/bad_review.sql": "-- An unknown rule.\n-- reviewed: nonsense: because\nSELECT 1 AS one;\n",
}

ERRORS = {
    "app.missing_field": ("returns-column", 2, "PromptRow.last_used_at is required"),
    "app.wrong_type": ("returns-type", 5, "column id is text, which does not validate into"),
    "app.extra": ("returns-extra", 5, "column first_used_at has no field in PromptRow"),
    "app.unknown_model": ("returns-model", 2, "NoSuchModel"),
    "app.dqs": ("compile", 4, '"pending"'),
    "app.bad_review": ("reviewed", 2, "'nonsense' is no rule"),
}


def test_models_and_dao_calls_are_checked_on_both_dialects(
    sqlstore_url: str, tmp_path: Path
) -> None:
    folder = _write(tmp_path / "sql", APP_FILES)
    with connect(sqlstore_url) as store:
        found = _by_name(check_queries(store, sql_dirs=[folder], dao_modules=[APP_DAO]))
    for name, (rule, line, words) in ERRORS.items():
        finding = found[name]
        assert finding.status == "failed", finding
        issue = next(i for i in finding.issues if i.rule == rule)
        assert issue.level == "error" and words in issue.message, finding
        assert issue.line == line, finding
        assert finding.path == folder / (name.replace(".", "/") + ".sql")
    assert found["app.known_dqs"].status == "ok"
    # The DAO's calls: right ones pass, each wrong one is an error at its line.
    calls = {i.message: i for i in found["app.prompt_by_text"].issues}
    assert found["app.prompt_by_text"].status == "failed"
    source = APP_DAO.read_text().splitlines()

    def line_of(text: str) -> int:
        return next(n for n, line in enumerate(source, 1) if text in line)

    expected = {
        ("dao-params", line_of("txt=text"), "passes :txt, which the query does not take"),
        ("dao-params", line_of("txt=text"), "does not pass :text"),
        ("dao-params", line_of('fetch_all("app.prompt_by_text")'), "does not pass :text"),
        ("dao-returns", 2, "reads rows into TaskRef, but the file declares"),
    }
    for rule, line, words in expected:
        assert any(i.rule == rule and i.line == line and words in m for m, i in calls.items()), (
            rule,
            line,
            words,
            calls,
        )
    assert all(i.path == APP_DAO for i in calls.values() if i.rule == "dao-params")
    refs = found["app.task_refs"]
    # The **params call is skipped; the awaited one passes :status, not :user_id.
    assert [(i.path, i.line) for i in refs.issues] == [(APP_DAO, line_of("status="))]
    assert [i.message for i in refs.issues] == [
        "the call of app.task_refs passes :status, which the query does not take; "
        "does not pass :user_id"
    ]
    unknown = found["app.no_such_query"]
    assert unknown.status == "failed" and unknown.path == APP_DAO
    assert unknown.issues[0].rule == "dao-query"
    # Every built-in query and DAO call is still right.
    assert [
        f.query
        for f in found.values()
        if f.status == "failed" and f.path != APP_DAO and not f.query.startswith("app.")
    ] == []


def test_a_malformed_annotation_fails_the_file(sqlstore_url: str, tmp_path: Path) -> None:
    folder = _write(tmp_path / "sql", {"app/bad.sql": "-- x\n-- returns: some Task\nSELECT 1;\n"})
    with pytest.raises(QueryError, match=r"line 2: '-- returns: some Task' is not"):
        Registry.load([folder], "sqlite", lambda s: s.source)
    with connect(sqlstore_url) as store:
        bad = _by_name(check_queries(store, sql_dirs=[folder]))["app.bad"]
    assert (bad.status, bad.line, bad.issues[0].rule) == ("failed", 2, "load")


PLAN_FILES = {
    "app/by_path.sql": "-- file_path leads no index.\n"
    "SELECT id FROM generations WHERE file_path = :file_path;\n",
    "app/by_path_reviewed.sql": "-- The same, looked at.\n"
    "-- reviewed: unindexed-filter: run by hand\n--    once a year\n"
    "SELECT id FROM generations WHERE file_path = :file_path;\n",
}


def test_plans_flag_an_unindexed_filter_and_honour_a_review(
    sqlstore_url: str, tmp_path: Path
) -> None:
    folder = _write(tmp_path / "sql", PLAN_FILES)
    with connect(sqlstore_url) as store:
        found = _by_name(check_queries(store, plans=True, sql_dirs=[folder]))
    bare = found["app.by_path"]
    assert bare.status == "ok"
    assert [(i.rule, i.level, i.message) for i in bare.issues] == [
        (
            "unindexed-filter",
            "warning",
            "full scan of generations filtering on generations.file_path, which no index leads",
        )
    ]
    seen = found["app.by_path_reviewed"].issues
    assert [(i.rule, i.level, i.line) for i in seen] == [("unindexed-filter", "reviewed", 2)]
    assert seen[0].message.endswith("(reviewed: run by hand once a year)")
    # The built-in queries: no warning left on either dialect.
    builtin = [f for f in found.values() if not f.query.startswith("app.")]
    assert [(f.query, f.warnings) for f in builtin if f.warnings] == []
    assert sum(1 for f in builtin for i in f.issues if i.level == "reviewed") >= 9


def _run(*args: str) -> tuple[int, str, str]:
    with CliRunner().isolation() as (out, err, _):
        code = main(list(args))
    return code, out.getvalue().decode(), err.getvalue().decode()


def test_check_exit_status_and_json(sqlstore_url: str, tmp_path: Path) -> None:
    # Built-ins only: no warning, exit 0 even when warnings fail.
    code, out, err = _run("--database", sqlstore_url, "check", "--plans", "--fail-on", "warning")
    assert code == 0, out + err
    assert re.search(r": \d+ queries: \d+ ok, 0 failed, .*; 0 warning\(s\), \d+ reviewed$", out)
    warned = _write(tmp_path / "warned", {"app/by_path.sql": PLAN_FILES["app/by_path.sql"]})
    base = ("--database", sqlstore_url, "--sql-dir", str(warned), "check", "--plans")
    assert _run(*base)[0] == 0
    code, out, err = _run(*base, "--fail-on", "warning")
    assert code == 3 and err.strip() == "error: 1 warning(s) and --fail-on warning"
    assert "    warning [unindexed-filter] " in out and "by_path.sql:1: full scan" in out
    code, out, err = _run(*base, "--format", "json", "--fail-on", "warning")
    report = json.loads(out)
    assert code == 3 == report["exit_status"] and err == ""
    assert report["summary"]["warnings"] == 1 and report["summary"]["failed"] == 0
    [finding] = [f for f in report["findings"] if f["level"] != "reviewed"]
    assert finding == {
        "file": str(warned / "app" / "by_path.sql"),
        "line": 1,
        "query": "app.by_path",
        "rule": "unindexed-filter",
        "level": "warning",
        "message": "full scan of generations filtering on generations.file_path, "
        "which no index leads",
    }
    assert {q["query"] for q in report["queries"]} >= {"app.by_path", "tasks.get"}
    broken = _write(tmp_path / "broken", {"app/dqs.sql": APP_FILES["app/dqs.sql"]})
    code, out, _ = _run("--database", sqlstore_url, "--sql-dir", str(broken), "check",
                        "--format", "json")  # fmt: skip
    report = json.loads(out)
    assert code == 1 == report["exit_status"]
    [error] = [f for f in report["findings"] if f["level"] == "error"]
    assert (error["rule"], error["line"], error["query"]) == ("compile", 4, "app.dqs")


# No database: the scan and the type table.


def test_the_scan_reads_sync_and_async_sources_and_skips_what_it_cannot_know() -> None:
    source = """
async def f(self, session, params):
    await session.fetch_one("a.one", x=1, y=2)
    await self.fetch_models(M, "a.many", **self.page_params(5), z=3)
    await session.execute(f"{self.queries}.get", id=1)
    await session.fetch_all("a.spread", **params)
    row = await session._row("a.row", {"k": 1, **extra})
    return M.model_validate(row)
"""
    calls = {c.query: c for c in scan_source(source, Path("m.py"))}
    assert set(calls) == {"a.one", "a.many", "a.spread", "a.row"}
    assert (calls["a.one"].params, calls["a.one"].complete) == ({"x", "y"}, True)
    assert calls["a.many"].params == {"limit", "offset", "z"} and calls["a.many"].many
    assert (calls["a.spread"].params, calls["a.spread"].complete) == (set(), False)
    assert (calls["a.row"].params, calls["a.row"].model, calls["a.row"].many) == (
        {"k"},
        "M",
        False,
    )
    # The built-in DAOs: many calls, each with a literal name.
    assert len(scan([dao_dir()])) > 50


@pytest.mark.parametrize(
    ("annotation", "kind", "accepted"),
    [
        ("int", "integer", True),
        ("int", "text", False),
        ("str", "integer", False),
        ("bool", "integer", True),
        ("UUID", "text", True),
        ("UUID", "integer", False),
        ("datetime | None", "timestamp", True),
        ("JsonObject", "json", True),
        ("JsonObject", "integer", False),
        ("GenerationStatus", "text", True),
        ("float", "numeric", True),
    ],
)
def test_accepted_kinds(annotation: str, kind: str, accepted: bool) -> None:
    from datetime import datetime  # noqa: F401
    from uuid import UUID  # noqa: F401

    from sqlstore.models._types import JsonObject  # noqa: F401
    from sqlstore.models.generations import GenerationStatus  # noqa: F401

    kinds = accepted_kinds(eval(annotation))
    assert kinds is not None and (kind in kinds) is accepted


def test_header_keeps_annotations_out_of_the_description() -> None:
    statement = parse("SELECT 1")
    assert statement.kind == "SELECT"
    registry = Registry.load([ROOT / "sql"], "sqlite", lambda s: s.source)
    task = registry.get("tasks.get")
    assert task.header == "One task by id."
    assert task.returns is not None and (task.returns.many, task.returns.model) == (False, "Task")
    listed = registry.get("tasks.list")
    assert "full-scan" in listed.reviewed and "-- reviewed" not in listed.header
