"""Golden tests of the SQL lexer on the cases other SQL-file libraries get wrong."""

from __future__ import annotations

import pytest

from sqlstore.sqltext import SqlSyntaxError, parse


def pyformat(sql: str) -> str:
    return parse(sql).pyformat()


@pytest.mark.parametrize(
    ("sql", "params", "psycopg"),
    [
        ("SELECT :a", ("a",), "SELECT %(a)s"),
        ("SELECT ':b'", (), "SELECT ':b'"),
        ("SELECT 'it''s :x'", (), "SELECT 'it''s :x'"),
        ("SELECT E'it\\'s :x', :y", ("y",), "SELECT E'it\\'s :x', %(y)s"),
        ("SELECT '12:30', 'HH24:MI:SS'", (), "SELECT '12:30', 'HH24:MI:SS'"),
        ('SELECT "a:b" FROM t', (), 'SELECT "a:b" FROM t'),
        ('SELECT "say ""hi:x""" FROM t', (), 'SELECT "say ""hi:x""" FROM t'),
        ("SELECT 1 -- :c trailing", (), "SELECT 1 -- :c trailing"),
        ("SELECT '--:x', :d", ("d",), "SELECT '--:x', %(d)s"),
        (
            "SELECT /* :e /* nested :f */ still :g */ :h",
            ("h",),
            "SELECT /* :e /* nested :f */ still :g */ %(h)s",
        ),
        ("SELECT x::int, :id::int", ("id",), "SELECT x::int, %(id)s::int"),
        ("SELECT :a := 1", ("a",), "SELECT %(a)s := 1"),
        (
            "SELECT $$ :x ; $$, $tag$ :y $x$ $tag$, :z",
            ("z",),
            "SELECT $$ :x ; $$, $tag$ :y $x$ $tag$, %(z)s",
        ),
        ("SELECT $1, :p", ("p",), "SELECT $1, %(p)s"),
        ("SELECT a[1:2], b[lo:hi], c[:n]", (), "SELECT a[1:2], b[lo:hi], c[:n]"),
        ("SELECT 'a%' LIKE 'a%%', :q -- 100%", ("q",), "SELECT 'a%%' LIKE 'a%%%%', %(q)s -- 100%%"),
        ("SELECT :s3_key, :s", ("s3_key", "s"), "SELECT %(s3_key)s, %(s)s"),
        ("SELECT :a, :b, :a", ("a", "b"), "SELECT %(a)s, %(b)s, %(a)s"),
        ("SELECT :名前, 'é:x'", ("名前",), "SELECT %(名前)s, 'é:x'"),
        ("SELECT ';' ; -- done\n/* end */", (), "SELECT ';'"),
    ],
)
def test_params_and_psycopg_rendering(sql: str, params: tuple[str, ...], psycopg: str) -> None:
    statement = parse(sql)
    assert statement.params == params
    assert statement.pyformat() == psycopg


def test_sqlite_rendering_keeps_colon_names() -> None:
    assert parse("SELECT :a::int, '%'").named() == "SELECT :a::int, '%'"


def test_any_list_becomes_json_each_on_sqlite() -> None:
    statement = parse("SELECT 1 FROM t WHERE id = ANY(:ids) AND s <> ALL ( :skip )")
    assert statement.list_params == {"ids", "skip"}
    assert statement.named(lists_as_json_each=True) == (
        "SELECT 1 FROM t WHERE id IN (SELECT value FROM json_each(:ids))"
        " AND s NOT IN (SELECT value FROM json_each(:skip))"
    )
    assert statement.pyformat() == (
        "SELECT 1 FROM t WHERE id = ANY(%(ids)s) AND s <> ALL ( %(skip)s )"
    )


@pytest.mark.parametrize(
    ("sql", "message"),
    [
        ("SELECT 'open", "unterminated string literal"),
        ('SELECT "open', "unterminated quoted identifier"),
        ("SELECT /* open", r"unterminated /\* comment"),
        ("SELECT $x$ open", "unterminated dollar-quoted body"),
        ("SELECT 1; SELECT 2", "one statement"),
        ("-- only a comment", "no SQL statement"),
    ],
)
def test_broken_text_is_refused(sql: str, message: str) -> None:
    with pytest.raises(SqlSyntaxError, match=message):
        parse(sql)


def test_error_names_the_line() -> None:
    with pytest.raises(SqlSyntaxError) as info:
        parse("SELECT 1\nFROM t\nWHERE x = 'open")
    assert info.value.line == 3
