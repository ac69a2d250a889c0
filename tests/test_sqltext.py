"""Golden tests of the SQL lexer on the cases other SQL-file libraries get wrong."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sqlstore.sqltext import Param, SqlSyntaxError, parse
from tests.golden_params import CASES, Case, Refused


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
        "SELECT 1 FROM t WHERE id IN (SELECT value FROM json_each(COALESCE(:ids, '[null]')))"
        " AND s NOT IN (SELECT value FROM json_each ( COALESCE(:skip, '[null]') ))"
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


def test_parameter_lines_count_newlines_in_strings_and_comments() -> None:
    statement = parse("SELECT 'a\nb', :a, -- c\n/* d\ne */ :b,\n$$\n$$, \"x\ny\", :c")
    lines = {s.name: s.line for s in statement.segments if isinstance(s, Param)}
    assert lines == {"a": 2, "b": 4, "c": 7}


# The golden corpus (tests/golden_params.py): every case of the design's list and
# of issue 11, with the text each dialect is sent.


def _case_id(case: Case) -> str:
    return case.sql[:60]


def test_golden_corpus_is_large_and_covers_the_design_list() -> None:
    assert len(CASES) >= 100
    assert len({c.sql for c in CASES}) == len(CASES)
    written = "\n".join(c.sql for c in CASES)
    for needle in (
        "''",
        "E'it\\'s :x'",
        "'12:30'",
        "'HH24:MI:SS'",
        '"a:b"',
        "-- :c trailing",
        "/* :e /* nested",
        "'--:x'",
        ":id::int",
        ":=",
        "$$",
        "$tag$",
        "$1",
        "[1:2]",
        "[lo:hi]",
        "[:n]",
        "arr[:n]",
        "a[:lo]",
        "LIKE 'a%",
        ":s3_key",
        ":名前",
        "';'",
        "$$ :x ; $$",
        "IN (:id)",
        "id=any(:ids)",
        "ANY (:ids)",
        "<> ALL(",
        "ARRAY[:a, :b]",
        "THEN:y",
        "(:a)",
        ":a||:b",
        ",:a",
        "=:a",
        ">:a",
        "ELSE:",
        "WHEN:",
    ):
        assert needle in written, needle


@pytest.mark.parametrize("case", CASES, ids=_case_id)
def test_golden(case: Case) -> None:
    statement = parse(case.sql)
    assert statement.params == case.params
    assert statement.list_params == case.lists
    assert statement.in_params == case.items
    assert statement.pyformat() == case.postgresql
    expected = case.expected_sqlite
    if isinstance(expected, Refused):
        with pytest.raises(SqlSyntaxError, match=expected.match):
            statement.named(lists_as_json_each=True)
    else:
        assert statement.named(lists_as_json_each=True) == expected
        # What SQLite is sent holds the same parameters, found again.
        assert parse(expected).params == case.params


# Property: random token sequences keep exactly their parameters, and every
# other character, through parse and both renderings.


@dataclass(frozen=True)
class Piece:
    """A token (or a few that belong together) and what each dialect is sent for it."""

    text: str
    params: tuple[str, ...] = ()
    postgresql: str | None = None  # None: the text, % doubled
    sqlite: str | None = None  # None: the text


def _p(text: str, params: tuple[str, ...], postgresql: str, sqlite: str | None = None) -> Piece:
    return Piece(text, params, postgresql, sqlite)


NAMES = ("a", "b2", "s3_key", "s", "名前", "x_y", "ids")
WORDS = [
    Piece(w)
    for w in re.findall(
        r"\S+",
        "SELECT FROM WHERE THEN ELSE WHEN CASE END AND OR IN NOT IS NULL AS ON BY "
        "ARRAY t col_1 x lo hi n E e U 名前 1 42 1.5",
    )
]
# No ";": it would end the statement (the golden corpus has it).
PUNCTUATION = [
    Piece(p)
    for p in re.findall(r"\S+", "( ) , . = <> != >= <= > < || + - * / % { } ->> @> ? & | #")
]
LITERALS = [
    Piece(text)
    for text in (
        "'it''s :x'",
        "'12:30'",
        "'HH24:MI:SS'",
        "'100%'",
        "'--:x'",
        "'/* :x'",
        "'a\\'",
        "E'it\\'s :x'",
        "e'\\\\'",
        "'é:x ; $$'",
        '"a:b"',
        '"say ""hi:x"""',
        '"50%"',
        "`c:d`",
        "$$ :x ; ' $$",
        "$tag$ :y $x$ 100% $tag$",
        "/* :e */",
        "/* :e /* nested :f */ still :g */",
        "/* it's 100% */",
        "-- :c it's 100%",
        "--",
    )
]
CASTS = [Piece(t) for t in ("::int", "::text[]", ":=", "$1", "$12")]
SLICES = [
    Piece(t) for t in ("arr[1:2]", "b[lo:hi]", "c[:n]", "arr[:n]", "a[:lo]", "a[lo:]", "x[1][2:3]")
] + [
    Piece('"q"[1:2]'),
    Piece("(x)[:n]"),
    _p("a[(:i)]", ("i",), "a[(%(i)s)]"),
    _p(":p[1:2]", ("p",), "%(p)s[1:2]"),
]
ARRAYS = [
    _p("ARRAY[:a, :b2]", ("a", "b2"), "ARRAY[%(a)s, %(b2)s]"),
    _p("array[[:a],[:s]]", ("a", "s"), "array[[%(a)s],[%(s)s]]"),
    _p("ARRAY[1, :x_y][1:1]", ("x_y",), "ARRAY[1, %(x_y)s][1:1]"),
]
LISTS = [
    _p(
        "id = ANY(:ids)",
        ("ids",),
        "id = ANY(%(ids)s)",
        "id IN (SELECT value FROM json_each(COALESCE(:ids, '[null]')))",
    ),
    _p(
        "id=any(:a)",
        ("a",),
        "id=any(%(a)s)",
        "id IN (SELECT value FROM json_each(COALESCE(:a, '[null]')))",
    ),
    _p(
        "s <> ALL ( :s )",
        ("s",),
        "s <> ALL ( %(s)s )",
        "s NOT IN (SELECT value FROM json_each ( COALESCE(:s, '[null]') ))",
    ),
    _p(
        "s!=all(:b2)",
        ("b2",),
        "s!=all(%(b2)s)",
        "s NOT IN (SELECT value FROM json_each(COALESCE(:b2, '[null]')))",
    ),
]
PARAMS = [_p(f":{n}", (n,), f"%({n})s") for n in NAMES] + [
    _p(":a::int", ("a",), "%(a)s::int"),
    _p("IN (:b2)", ("b2",), "IN (%(b2)s)"),
]
SEPARATORS = ("", "", " ", "\n", "  ", "\t")
OPERATOR_CHARS = set("+-*/<>=~!@#%^&|?")


def _wordish(ch: str) -> bool:
    return ch.isalnum() or ch in "_$"


def _needs_space(left: str, right: str) -> bool:
    """Whether gluing ``left`` and ``right`` would make other tokens of them."""
    a, b = left[-1], right[0]
    return (
        (_wordish(a) and (_wordish(b) or b in "'\"`"))
        or (a in OPERATOR_CHARS and b in OPERATOR_CHARS)
        # 'a''b' is one string: after E'...' the second one's \' escapes its quote.
        or (a in "'\"`" and b == a)
        or left.startswith("--")
    )


@dataclass(frozen=True)
class Example:
    """A random statement and what the lexer must make of it."""

    sql: str
    occurrences: tuple[str, ...]  # every parameter, each time it is written
    postgresql: str
    sqlite: str


@st.composite
def sequences(draw: st.DrawFn) -> Example:
    """Random SQL-ish text, its parameters and its expected rendering on each dialect."""
    pieces = draw(
        st.lists(
            st.sampled_from(WORDS + PUNCTUATION + LITERALS + CASTS + SLICES + ARRAYS + LISTS)
            | st.sampled_from(PARAMS),
            max_size=25,
        )
    )
    text, pg, lite = ["SELECT"], ["SELECT"], ["SELECT"]
    occurrences: list[str] = []
    last = "SELECT"
    for piece in pieces:
        sep = draw(st.sampled_from(SEPARATORS))
        if last.startswith("--"):
            sep = "\n"
        elif not sep and _needs_space(last, piece.text):
            sep = " "
        # The lexer's one change to the text: a space between a word and a parameter
        # (THEN:y), which PostgreSQL would otherwise read as one name (THEN$1).
        glued = not sep and _wordish(last[-1]) and re.match(r":\w", piece.text) is not None
        spaced = " " if glued else sep
        text.append(sep + piece.text)
        pg.append(spaced + (piece.postgresql or piece.text.replace("%", "%%")))
        lite.append(spaced + (piece.sqlite or piece.text))
        occurrences.extend(piece.params)
        last = piece.text
    return Example("".join(text), tuple(occurrences), "".join(pg), "".join(lite))


@settings(max_examples=400, deadline=None)
@given(sequences())
def test_random_token_sequences_keep_their_parameters_and_text(example: Example) -> None:
    statement = parse(example.sql)
    assert statement.params == tuple(dict.fromkeys(example.occurrences))
    found = tuple(s.name for s in statement.segments if isinstance(s, Param))
    assert found == example.occurrences
    assert statement.pyformat() == example.postgresql
    assert statement.named(lists_as_json_each=True) == example.sqlite
    assert parse(example.sqlite).params == statement.params
