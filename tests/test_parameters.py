"""SQL parameters on real databases: IN-lists, ``= ANY`` lists, parameters next to anything.

Each query file here is written the way a user would write it and run on
SQLite and on PostgreSQL; the two must give the same rows. See
tests/test_sqltext.py for the lexer's golden corpus and property test.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sqlstore import Session, Store, connect
from sqlstore.check import explain
from sqlstore.errors import ParameterError

FILES = {
    # IN-list items: one value each.
    "p/in_one.sql": "-- IN with one item.\nSELECT text FROM prompts WHERE text IN (:texts);\n",
    "p/in_ids.sql": "-- IN with two items.\n"
    "SELECT text FROM prompts WHERE id NOT IN (:a, :b) ORDER BY text;\n",
    "p/touch.sql": "-- Count one more use of two prompts.\n"
    "UPDATE prompts SET used_count = used_count + 1 WHERE id IN (:a, :b);\n",
    # Lists, written every way.
    "p/any_plain.sql": "SELECT text FROM prompts WHERE text = ANY(:texts) ORDER BY text",
    "p/any_tight.sql": "SELECT text FROM prompts WHERE text=any(:texts) ORDER BY text",
    "p/any_spaced.sql": "SELECT text FROM prompts WHERE text = ANY (:texts) ORDER BY text",
    "p/any_loose.sql": "SELECT text FROM prompts WHERE text =any ( :texts ) ORDER BY text",
    "p/any_lines.sql": "SELECT text FROM prompts\n"
    "WHERE text =\n  Any(\n    :texts\n  )\nORDER BY text",
    "p/any_some.sql": "SELECT text FROM prompts WHERE text = SOME(:texts) ORDER BY text",
    "p/any_ids.sql": "SELECT text FROM prompts WHERE id=ANY(:ids) ORDER BY text",
    "p/all_plain.sql": "SELECT text FROM prompts WHERE text <> ALL(:texts) ORDER BY text",
    "p/all_tight.sql": "SELECT text FROM prompts WHERE text<>all(:texts) ORDER BY text",
    "p/all_bang.sql": "SELECT text FROM prompts WHERE text != ALL ( :texts ) ORDER BY text",
    "p/any_value.sql": "SELECT CASE WHEN (:x = ANY(:xs)) IS NULL THEN 'null'"
    " WHEN :x = ANY(:xs) THEN 'yes' ELSE 'no' END AS v",
    "p/all_value.sql": "SELECT CASE WHEN (:x <> ALL(:xs)) IS NULL THEN 'null'"
    " WHEN :x <> ALL(:xs) THEN 'yes' ELSE 'no' END AS v",
    # Parameters next to punctuation and keywords.
    "p/then.sql": "SELECT CASE WHEN :x > 0 THEN:y ELSE:z END AS v",
    "p/when.sql": "SELECT CASE WHEN:x=1 THEN 'one' ELSE 'other' END AS v",
    "p/punct.sql": "SELECT (:a) AS a, :a||:b AS ab, COALESCE(NULL,:c) AS c, 10-:n AS d",
    "p/where.sql": "SELECT text FROM prompts\n"
    "WHERE used_count>:n AND (text=:t OR text=:u)AND:flag=1 ORDER BY text",
    # PostgreSQL arrays and slices; SQLite's own bracketed names.
    "p/arrays.postgresql.sql": "WITH x AS (SELECT ARRAY[10, 20, 30] AS arr, 2 AS n, 1 AS lo)\n"
    "SELECT ARRAY[:a, :b] AS pair, (ARRAY[:a,:b,:c])[2:3] AS tail,\n"
    "    arr[:n] AS head, arr[lo:n] AS mid, arr[:lo] AS first, arr[2:] AS rest\n"
    "FROM x",
    "p/arrays.sqlite.sql": "SELECT json_array(:a, :b) AS pair, [c:d] AS quoted, `e:f` AS ticked\n"
    "FROM (SELECT :c AS [c:d], 5 AS `e:f`)",
}

TEXTS = ("a", "b", "c")


@pytest.fixture
def files_store(sqlstore_url: str, tmp_path: Path) -> Iterator[Store]:
    """The test's migrated store with the query files above and three prompts a, b, c."""
    folder = tmp_path / "sql"
    for name, text in FILES.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    with connect(sqlstore_url, sql_dirs=[folder]) as store:
        with store.session() as session:
            for text in TEXTS:
                _track(session, text)
        yield store


def _track(session: Session, text: str) -> None:
    session.fetch_one("generations.prompts.track_usage", text=text, now="2026-01-01T00:00:00+00:00")


def _texts(session: Session, name: str, **params: Any) -> list[str]:
    return [row["text"] for row in session.fetch_all(name, **params)]


def _ids(session: Session) -> dict[str, int]:
    rows = session.fetch_all("generations.prompts.most_used", limit=10)
    return {row["text"]: row["id"] for row in rows}


@pytest.mark.parametrize("value", [["a"], ("a",), {"a"}, frozenset({"a"}), []])
def test_a_list_for_an_in_item_is_refused_before_sending(files_store: Store, value: Any) -> None:
    with files_store.session() as session:
        _track(session, "kept")
        with pytest.raises(ParameterError) as info:
            session.fetch_all("p.in_one", texts=value)
        message = str(info.value)
        assert "p.in_one" in message and "in_one.sql" in message
        assert f"parameter :texts is a {type(value).__name__}" in message
        assert "'= ANY(:texts)'" in message
        # A refusal is safe to catch: the session goes on, and its writes commit.
        assert _texts(session, "p.in_one", texts="kept") == ["kept"]
    with files_store.session() as session:
        assert _texts(session, "p.in_one", texts="kept") == ["kept"]


def test_every_item_of_an_in_list_is_checked(files_store: Store) -> None:
    with files_store.session() as session:
        ids = _ids(session)
        assert _texts(session, "p.in_ids", a=ids["a"], b=ids["c"]) == ["b"]
        with pytest.raises(ParameterError, match=r"parameter :b is a list.*= ANY\(:b\)"):
            session.fetch_all("p.in_ids", a=ids["a"], b=[ids["b"], ids["c"]])
        with pytest.raises(ParameterError, match=r"parameter :a is a tuple"):
            session.execute_many("p.touch", [{"a": (ids["a"], ids["b"]), "b": ids["c"]}])
        assert session.execute("p.touch", a=ids["a"], b=ids["b"]) == 2
    with files_store.session() as session:
        counts = {
            r["text"]: r["used_count"]
            for r in session.fetch_all("generations.prompts.most_used", limit=9)
        }
        assert counts == {"a": 2, "b": 2, "c": 1}


def test_explain_refuses_a_list_for_an_in_item_too(files_store: Store) -> None:
    assert explain(files_store, "p.in_one", {"texts": "a"})
    with pytest.raises(ParameterError, match=r"= ANY\(:texts\)"):
        explain(files_store, "p.in_one", {"texts": ["a"]})


def test_one_value_for_an_in_item_is_plain_sql(files_store: Store) -> None:
    with files_store.session() as session:
        assert _texts(session, "p.in_one", texts="b") == ["b"]
        assert _texts(session, "p.in_one", texts="nope") == []
        assert _texts(session, "p.in_one", texts=None) == []


ANY_FILES = ("any_plain", "any_tight", "any_spaced", "any_loose", "any_lines", "any_some")
ALL_FILES = ("all_plain", "all_tight", "all_bang")


@pytest.mark.parametrize("name", ANY_FILES)
def test_any_of_a_list_in_any_spacing_and_case(files_store: Store, name: str) -> None:
    query = files_store.registry.get(f"p.{name}")
    assert query.list_params == {"texts"}
    with files_store.session() as session:
        assert _texts(session, query.name, texts=["a", "c", "zz"]) == ["a", "c"]
        assert _texts(session, query.name, texts=["b"]) == ["b"]
        # An empty list matches nothing, on both dialects.
        assert _texts(session, query.name, texts=[]) == []
        # NULL for the list: x = ANY(NULL) is NULL, no row.
        assert _texts(session, query.name, texts=None) == []


@pytest.mark.parametrize("name", ALL_FILES)
def test_not_all_of_a_list_in_any_spacing_and_case(files_store: Store, name: str) -> None:
    with files_store.session() as session:
        assert _texts(session, f"p.{name}", texts=["a", "zz"]) == ["b", "c"]
        # Nothing to differ from: every row (NOT IN of an empty list).
        assert _texts(session, f"p.{name}", texts=[]) == ["a", "b", "c"]
        # NULL for the list: x <> ALL(NULL) is NULL, no row (SQLite too).
        assert _texts(session, f"p.{name}", texts=None) == []


def test_any_of_a_list_of_ids(files_store: Store) -> None:
    with files_store.session() as session:
        ids = _ids(session)
        assert _texts(session, "p.any_ids", ids=[ids["b"], ids["c"]]) == ["b", "c"]
        assert _texts(session, "p.any_ids", ids=[]) == []


@pytest.mark.parametrize("kind", [tuple, set, frozenset])
def test_a_tuple_or_set_serves_as_a_list_on_both_dialects(files_store: Store, kind: type) -> None:
    # SQLite's adapter always took them; psycopg has no array form for them.
    with files_store.session() as session:
        ids = _ids(session)
        assert _texts(session, "p.any_ids", ids=kind([ids["b"], ids["c"]])) == ["b", "c"]
        assert _texts(session, "p.any_ids", ids=kind()) == []
        assert _texts(session, "p.any_plain", texts=kind(["a", "zz"])) == ["a"]


@pytest.mark.parametrize(
    ("x", "xs", "any_of", "none_of"),
    [
        (1, [1, 2], "yes", "no"),
        (3, [1, 2], "no", "yes"),
        (1, [], "no", "yes"),
        (3, [1, None], "null", "null"),
        (1, [1, None], "yes", "no"),
        (1, None, "null", "null"),
    ],
)
def test_lists_with_nulls_give_the_same_truth_on_both_dialects(
    files_store: Store, x: int, xs: list[int | None] | None, any_of: str, none_of: str
) -> None:
    with files_store.session() as session:
        assert session.fetch_value("p.any_value", x=x, xs=xs) == any_of
        assert session.fetch_value("p.all_value", x=x, xs=xs) == none_of


def test_parameters_after_keywords_are_found(files_store: Store) -> None:
    assert files_store.registry.get("p.then").params == ("x", "y", "z")
    with files_store.session() as session:
        assert session.fetch_value("p.then", x=1, y=5, z=7) == 5
        assert session.fetch_value("p.then", x=0, y=5, z=7) == 7
        assert session.fetch_value("p.when", x=1) == "one"
        assert session.fetch_value("p.when", x=2) == "other"


def test_parameters_next_to_punctuation_are_found(files_store: Store) -> None:
    assert files_store.registry.get("p.punct").params == ("a", "b", "c", "n")
    assert files_store.registry.get("p.where").params == ("n", "t", "u", "flag")
    with files_store.session() as session:
        row = session.fetch_one("p.punct", a="x", b="y", c="z", n=3)
        assert row == {"a": "x", "ab": "xy", "c": "z", "d": 7}
        assert _texts(session, "p.where", n=0, t="a", u="c", flag=1) == ["a", "c"]
        assert _texts(session, "p.where", n=0, t="a", u="c", flag=0) == []


def test_array_parameters_and_slices(files_store: Store) -> None:
    query = files_store.registry.get("p.arrays")
    assert query.params == ("a", "b", "c")
    with files_store.session() as session:
        row = session.fetch_one("p.arrays", a=1, b=2, c=3)
    assert row is not None
    if files_store.dialect.name == "postgresql":
        assert row == {
            "pair": [1, 2],
            "tail": [2, 3],
            "head": [10, 20],
            "mid": [10, 20],
            "first": [10],
            "rest": [20, 30],
        }
    else:
        assert json.loads(row["pair"]) == [1, 2]
        assert (row["quoted"], row["ticked"]) == (3, 5)


def test_execute_many_counts_the_rows_changed_on_both_dialects(files_store: Store) -> None:
    with files_store.session() as session:
        ids = _ids(session)
        changed = session.execute_many(
            "p.touch", [{"a": ids["a"], "b": ids["b"]}, {"a": ids["c"], "b": ids["c"]}]
        )
        assert changed == 3
        assert session.execute_many("p.touch", []) == 0


def test_a_stream_refuses_bad_parameters_when_it_is_asked_for(files_store: Store) -> None:
    with files_store.session() as session:
        with pytest.raises(ParameterError, match="texts"):
            session.iterate("p.any_plain", wrong=1)
