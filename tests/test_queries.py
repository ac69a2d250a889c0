"""The registry: names, dialect overrides, app folders, parameter checks."""

from __future__ import annotations

from pathlib import Path

import pytest

from sqlstore import Store, connect
from sqlstore.errors import ParameterError, QueryError, QueryNotFound
from sqlstore.paths import builtin_dir
from sqlstore.queries import Registry
from sqlstore.sqltext import Statement


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
        session.fetch_one("generations.gett", id="x")
    assert "generations.get" in str(info.value)


@pytest.mark.parametrize(
    ("params", "missing", "unexpected"),
    [({}, ("id",), ()), ({"id": 1, "idd": 2}, (), ("idd",)), ({"idd": 2}, ("id",), ("idd",))],
)
def test_parameter_errors_before_anything_is_sent(
    store: Store, params: dict[str, object], missing: tuple[str, ...], unexpected: tuple[str, ...]
) -> None:
    with pytest.raises(ParameterError) as info, store.session() as session:
        session.fetch_one("generations.get", **params)
    assert info.value.missing == missing and info.value.unexpected == unexpected
    assert info.value.query == "generations.get"
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
        assert "generations.insert" in registry and "prompts.track_usage" in registry


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
