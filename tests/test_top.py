"""``sqlstore top``: the queries by file, from a real ``pg_stat_statements``."""

from __future__ import annotations

from collections.abc import Iterator

import psycopg
import pytest

import sqlstore
from sqlstore.dao import TaskDAO
from sqlstore.models import TaskCreate
from tests.helpers import invoke, one_line_error
from tests.pg_cluster import PrivateCluster

LIST = {"user_id": None, "status": None, "limit": 10, "offset": 0}


@pytest.fixture(scope="module")
def stats_url(pg_stat_cluster: PrivateCluster) -> Iterator[str]:
    """A migrated database of the private cluster, with the extension created in it."""
    with psycopg.connect(pg_stat_cluster.url(), autocommit=True) as conn:
        conn.execute("CREATE DATABASE sqlstore_top")
    url = pg_stat_cluster.url("sqlstore_top")
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("CREATE EXTENSION pg_stat_statements")
        assert conn.execute("SHOW shared_preload_libraries").fetchone() == ("pg_stat_statements",)
    with sqlstore.connect(url) as store:
        store.migrate()
    yield url
    with psycopg.connect(pg_stat_cluster.url(), autocommit=True) as conn:
        conn.execute("DROP DATABASE sqlstore_top WITH (FORCE)")


def table(out: str) -> list[list[str]]:
    """The rows of ``top``'s table: query, calls, total, mean, rows, file."""
    lines = out.splitlines()
    assert lines[0].split() == ["query", "calls", "total", "ms", "mean", "ms", "rows", "file"]
    rows = []
    for line in lines[1:]:
        if " of " in line and "queries, by" in line:
            break
        rows.append(line.split(None, 5))
    return rows


def test_top_lists_the_queries_by_file(stats_url: str) -> None:
    with psycopg.connect(stats_url, autocommit=True) as conn:
        conn.execute("SELECT pg_stat_statements_reset()")
    with sqlstore.connect(stats_url) as store, store.session() as s:
        tasks = TaskDAO(s)
        made = [tasks.add(TaskCreate(endpoint=f"/e{i}")) for i in range(3)]
        for _ in range(7):  # prepared by psycopg from the fifth: the same entry
            tasks.get(made[0].id)
        for _ in range(3):
            s.fetch_all("tasks.list", **LIST)

    result = invoke("--database", stats_url, "top")
    assert result.code == 0, result.err
    rows = {r[0]: r for r in table(result.out)}
    assert rows["tasks.get"][1] == "7" and rows["tasks.get"][4] == "7"
    assert rows["tasks.get"][5] == "sql/tasks/get.sql"
    assert rows["tasks.insert"][1] == "3" and rows["tasks.insert"][4] == "3"
    assert rows["tasks.list"][1] == "3" and rows["tasks.list"][4] == "9"
    assert rows["tasks.list"][5] == "sql/tasks/list.sql"
    assert float(rows["tasks.get"][2].replace(",", "")) > 0
    # BEGIN and COMMIT carry no tag: counted apart.
    assert "not sqlstore's queries (BEGIN, COMMIT" in result.out

    by_calls = table(invoke("--database", stats_url, "top", "--sort", "calls").out)
    assert by_calls[0][0] == "tasks.get"
    by_rows = table(invoke("--database", stats_url, "top", "--sort", "rows").out)
    assert by_rows[0][0] == "tasks.list"
    for sort, column in (("total", 2), ("mean", 3)):
        listed = table(invoke("--database", stats_url, "top", "--sort", sort).out)
        figures = [float(r[column].replace(",", "")) for r in listed]
        assert figures == sorted(figures, reverse=True), sort
    limited = invoke("--database", stats_url, "top", "--limit", "1", "--sort", "calls")
    assert len(table(limited.out)) == 1
    assert f"1 of {len(rows)} queries, by calls ({len(rows) - 1} more: --limit)" in limited.out


def test_top_without_the_extension_is_a_config_error(sqlstore_blank_url: str) -> None:
    # SQLite has no such statistics; the shared PostgreSQL server does not preload them.
    error = one_line_error(invoke("--database", sqlstore_blank_url, "top"))
    assert "pg_stat_statements" in error
