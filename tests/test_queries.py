"""The registry: names, dialect overrides, app folders, parameter checks."""

from __future__ import annotations

from pathlib import Path

import pytest

from sqlstore import Store, connect
from sqlstore.errors import ParameterError, QueryError, QueryNotFound
from sqlstore.paths import builtin_dir
from sqlstore.queries import Registry
from sqlstore.sqltext import SqlSyntaxError, Statement


def _render(statement: Statement) -> str:
    return statement.named()


def _write(root: Path, rel: str, text: str) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def test_names_come_from_paths_and_headers_from_comments(tmp_path: Path) -> None:
    _write(tmp_path, "things/get_one.sql", "-- Fetch one thing.\n-- By id.\nSELECT :id")
    registry = Registry.load([tmp_path], "sqlite", _render)
    query = registry.get("things.get_one")
    assert query.header == "Fetch one thing.\nBy id."
    assert query.params == ("id",)


def test_dialect_file_overrides_portable_file(tmp_path: Path) -> None:
    _write(tmp_path, "t/q.sql", "SELECT 'portable'")
    _write(tmp_path, "t/q.postgresql.sql", "SELECT 'pg'")
    assert "portable" in Registry.load([tmp_path], "sqlite", _render).get("t.q").sql
    assert "pg" in Registry.load([tmp_path], "postgresql", _render).get("t.q").sql


def test_app_folder_adds_and_overrides(tmp_path: Path) -> None:
    base, app = tmp_path / "base", tmp_path / "app"
    _write(base, "t/q.sql", "SELECT 'base'")
    _write(base, "t/q.sqlite.sql", "SELECT 'base sqlite'")
    _write(app, "t/q.sql", "SELECT 'app'")
    _write(app, "t/extra.sql", "SELECT 'extra'")
    registry = Registry.load([base, app], "sqlite", _render)
    assert "'app'" in registry.get("t.q").sql
    assert "t.extra" in registry


def test_unknown_query_names_the_closest(store: Store) -> None:
    with pytest.raises(QueryNotFound) as info, store.session() as session:
        session.fetch_one("generations.generations.gett", id="x")
    assert "generations.generations.get" in str(info.value)


@pytest.mark.parametrize(
    ("params", "missing", "unexpected"),
    [({}, ("id",), ()), ({"id": 1, "idd": 2}, (), ("idd",)), ({"idd": 2}, ("id",), ("idd",))],
)
def test_parameter_errors_before_anything_is_sent(
    store: Store, params: dict[str, object], missing: tuple[str, ...], unexpected: tuple[str, ...]
) -> None:
    with pytest.raises(ParameterError) as info, store.session() as session:
        session.fetch_one("generations.generations.get", **params)
    assert info.value.missing == missing and info.value.unexpected == unexpected
    assert info.value.query == "generations.generations.get"
    assert "get.sql" in str(info.value)


def test_broken_file_fails_at_start_up_with_its_path(tmp_path: Path) -> None:
    _write(tmp_path, "bad/two.sql", "SELECT 1;\nSELECT 2;")
    with pytest.raises(QueryError) as info:
        connect(f"sqlite:///{tmp_path / 'x.db'}", sql_dirs=[tmp_path])
    assert "two.sql" in str(info.value) and "line 2" in str(info.value)


def test_missing_sql_folder_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(QueryError, match="does not exist"):
        connect(f"sqlite:///{tmp_path / 'x.db'}", sql_dirs=[tmp_path / "nope"])


def test_every_builtin_file_loads_on_both_dialects() -> None:
    for dialect in ("sqlite", "postgresql"):
        registry = Registry.load([builtin_dir("sql")], dialect, _render)
        assert (
            "generations.generations.insert" in registry
            and "generations.prompts.track_usage" in registry
        )


def test_list_parameter_is_an_in_list_on_both_dialects(store: Store) -> None:
    from sqlstore.dao import GenerationDAO
    from tests.factories import new_generation

    with store.session() as session:
        dao = GenerationDAO(session)
        ids = [dao.create(new_generation(prompt=f"p{i}")).id for i in range(3)]
        rows = session.fetch_all("notes.typed", ids=ids[:2])
        assert {str(r["id"]) for r in rows} == {str(i) for i in ids[:2]}
        assert len(rows) == 2
        assert session.fetch_all("notes.typed", ids=[]) == []


def test_in_list_items_are_found_at_load_time(tmp_path: Path) -> None:
    _write(tmp_path, "t/plain.sql", "SELECT * FROM t WHERE id = :id AND s = ANY(:ss)")
    _write(tmp_path, "t/items.sql", "SELECT * FROM t WHERE id IN (:a, :b) AND s = :s")
    registry = Registry.load([tmp_path], "sqlite", _render)
    plain, items = registry.get("t.plain"), registry.get("t.items")
    assert (plain.in_params, plain.list_params) == (frozenset(), frozenset({"ss"}))
    assert items.in_params == {"a", "b"}
    params = {"a": 1, "b": 2, "s": "x"}
    plain.check_params({"id": 1, "ss": ["x"]})
    items.check_params(params)
    items.check_params({"a": "[1, 2]", "b": None, "s": ["a list for a plain parameter"]})
    for value in ([1, 2], (1, 2), {1, 2}, frozenset({1}), []):
        with pytest.raises(ParameterError, match=r"parameter :b is a .*'= ANY\(:b\)'") as info:
            items.check_params({"a": 1, "b": value, "s": "x"})
        assert info.value.query == "t.items" and info.value.path == tmp_path / "t/items.sql"
    with pytest.raises(ParameterError, match="missing parameter :s"):
        items.check_params({"a": [1], "b": 2})


def test_a_bad_file_can_be_collected_instead_of_raised(tmp_path: Path) -> None:
    base, app = tmp_path / "base", tmp_path / "app"
    _write(base, "t/fixed.sql", "SELECT 'open")
    _write(app, "t/fixed.sql", "SELECT 'closed'")
    _write(base, "t/broken.sql", "SELECT 'fine'")
    _write(app, "t/broken.sql", "SELECT 1; SELECT 2")
    _write(app, "t/ok.sql", "SELECT :x")
    (app / "t" / "latin1.sql").write_bytes(b"SELECT 1,\n'caf\xe9'")
    with pytest.raises(QueryError, match=r"broken\.sql.*line 1: a query file holds one statement"):
        Registry.load([app], "sqlite", _render)
    failures: list[QueryError] = []
    registry = Registry.load([base, app], "sqlite", _render, failures=failures)
    # Only the file that runs counts: the app's good file replaces the base's bad one,
    # and the app's bad file leaves no query behind, not even the base's.
    assert sorted(q.name for q in registry) == ["t.fixed", "t.ok"]
    assert sorted((f.query, f.path.name if f.path else "") for f in failures) == [
        ("t.broken", "broken.sql"),
        ("t.latin1", "latin1.sql"),
    ]
    assert all(isinstance(f.__cause__, SqlSyntaxError | UnicodeDecodeError) for f in failures)
    latin1 = next(f for f in failures if f.query == "t.latin1")
    assert latin1.message == "line 2: not UTF-8 text (invalid continuation byte)"
