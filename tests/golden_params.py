"""The golden corpus of the SQL lexer: each snippet, its parameters and its text on each dialect.

``postgresql`` is what psycopg is sent (``%(name)s``, every literal ``%``
doubled); ``sqlite`` what sqlite3 is sent (``:name``, ``= ANY(:p)`` as a
``json_each`` IN-list), ``SAME`` when that is the snippet as written, or a
``Refused`` when the snippet has no SQLite form. ``lists`` are the
parameters that take a list (``= ANY``), ``items`` those that are IN-list
items (one value each; a list there is refused before sending).

Written by hand, not by running the lexer: each line is what the SQL means.
"""

from __future__ import annotations

from dataclasses import dataclass


class _Same:
    def __repr__(self) -> str:
        return "SAME"


SAME = _Same()


@dataclass(frozen=True)
class Refused:
    """The snippet has no form on this dialect; the error says ``match``."""

    match: str


@dataclass(frozen=True)
class Case:
    """One snippet and what the lexer must make of it."""

    sql: str
    params: tuple[str, ...]
    postgresql: str
    sqlite: str | Refused | _Same = SAME
    lists: frozenset[str] = frozenset()
    items: frozenset[str] = frozenset()

    @property
    def expected_sqlite(self) -> str | Refused:
        """The SQLite text, with SAME resolved."""
        return self.sql if isinstance(self.sqlite, _Same) else self.sqlite


def _l(*names: str) -> frozenset[str]:
    return frozenset(names)


NO_SQLITE_FORM = Refused("has no SQLite form")

CASES: list[Case] = [
    # Plain parameters.
    Case("SELECT :a", ("a",), "SELECT %(a)s"),
    Case("SELECT :a, :b", ("a", "b"), "SELECT %(a)s, %(b)s"),
    Case("SELECT :a, :b, :a", ("a", "b"), "SELECT %(a)s, %(b)s, %(a)s"),
    Case("SELECT :s3_key, :s", ("s3_key", "s"), "SELECT %(s3_key)s, %(s)s"),
    Case("SELECT :s, :s3_key", ("s", "s3_key"), "SELECT %(s)s, %(s3_key)s"),
    Case("SELECT :_x, :x_, :X", ("_x", "x_", "X"), "SELECT %(_x)s, %(x_)s, %(X)s"),
    Case("SELECT :a1b2", ("a1b2",), "SELECT %(a1b2)s"),
    Case("SELECT :名前, 'é:x'", ("名前",), "SELECT %(名前)s, 'é:x'"),
    Case("SELECT :prénom", ("prénom",), "SELECT %(prénom)s"),
    Case("SELECT :1, :a", ("a",), "SELECT :1, %(a)s"),
    Case("SELECT : a", (), "SELECT : a"),
    Case(
        "UPDATE t\nSET a = :a,\n    b = :b\nWHERE id = :id",
        ("a", "b", "id"),
        "UPDATE t\nSET a = %(a)s,\n    b = %(b)s\nWHERE id = %(id)s",
    ),
    Case(
        "INSERT INTO t (a, b) VALUES (:a, :b) RETURNING id",
        ("a", "b"),
        "INSERT INTO t (a, b) VALUES (%(a)s, %(b)s) RETURNING id",
    ),
    Case(
        "SELECT * FROM t LIMIT :limit OFFSET :offset",
        ("limit", "offset"),
        "SELECT * FROM t LIMIT %(limit)s OFFSET %(offset)s",
    ),
    # Next to any punctuation.
    Case("SELECT (:a)", ("a",), "SELECT (%(a)s)"),
    Case("SELECT ((:a))", ("a",), "SELECT ((%(a)s))"),
    Case("SELECT :a||:b", ("a", "b"), "SELECT %(a)s||%(b)s"),
    Case("SELECT :a || ':' || :b", ("a", "b"), "SELECT %(a)s || ':' || %(b)s"),
    Case("SELECT 1,:a", ("a",), "SELECT 1,%(a)s"),
    Case("SELECT f(:a,:b)", ("a", "b"), "SELECT f(%(a)s,%(b)s)"),
    Case("SELECT coalesce(:a, :b)", ("a", "b"), "SELECT coalesce(%(a)s, %(b)s)"),
    Case("SELECT 1 WHERE x=:a", ("a",), "SELECT 1 WHERE x=%(a)s"),
    Case("SELECT 1 WHERE x>:a AND y<:b", ("a", "b"), "SELECT 1 WHERE x>%(a)s AND y<%(b)s"),
    Case("SELECT 1 WHERE x>=:a AND y<=:b", ("a", "b"), "SELECT 1 WHERE x>=%(a)s AND y<=%(b)s"),
    Case("SELECT 1 WHERE x<>:a AND y!=:b", ("a", "b"), "SELECT 1 WHERE x<>%(a)s AND y!=%(b)s"),
    Case(
        "SELECT :a+:b-:c*:d/:e", ("a", "b", "c", "d", "e"), "SELECT %(a)s+%(b)s-%(c)s*%(d)s/%(e)s"
    ),
    Case("SELECT -:a", ("a",), "SELECT -%(a)s"),
    Case("SELECT :a%:b", ("a", "b"), "SELECT %(a)s%%%(b)s"),
    Case(
        "SELECT t.c FROM t WHERE t.c=:c;",
        ("c",),
        "SELECT t.c FROM t WHERE t.c=%(c)s",
        "SELECT t.c FROM t WHERE t.c=:c",
    ),
    Case("SELECT :a;", ("a",), "SELECT %(a)s", "SELECT :a"),
    Case("SELECT {:a}", ("a",), "SELECT {%(a)s}"),
    Case("SELECT data->>:key FROM t", ("key",), "SELECT data->>%(key)s FROM t"),
    Case(
        "SELECT data->:key->>:sub FROM t", ("key", "sub"), "SELECT data->%(key)s->>%(sub)s FROM t"
    ),
    Case("SELECT data @> :doc FROM t", ("doc",), "SELECT data @> %(doc)s FROM t"),
    Case("SELECT data ? :k FROM t", ("k",), "SELECT data ? %(k)s FROM t"),
    Case(
        "SELECT 1 WHERE x BETWEEN :lo AND :hi",
        ("lo", "hi"),
        "SELECT 1 WHERE x BETWEEN %(lo)s AND %(hi)s",
    ),
    Case("SELECT 1 WHERE x LIKE :p || '%'", ("p",), "SELECT 1 WHERE x LIKE %(p)s || '%%'"),
    Case(
        "SELECT 1 WHERE :flag IS NULL OR x = :flag",
        ("flag",),
        "SELECT 1 WHERE %(flag)s IS NULL OR x = %(flag)s",
    ),
    # A parameter right after a word: a space keeps PostgreSQL from reading THEN$1 as a name.
    Case(
        "SELECT CASE WHEN :x > 0 THEN:y ELSE 0 END",
        ("x", "y"),
        "SELECT CASE WHEN %(x)s > 0 THEN %(y)s ELSE 0 END",
        "SELECT CASE WHEN :x > 0 THEN :y ELSE 0 END",
    ),
    Case(
        "SELECT CASE WHEN:x THEN 1 ELSE:y END",
        ("x", "y"),
        "SELECT CASE WHEN %(x)s THEN 1 ELSE %(y)s END",
        "SELECT CASE WHEN :x THEN 1 ELSE :y END",
    ),
    Case("SELECT x:y", ("y",), "SELECT x %(y)s", "SELECT x :y"),
    Case("SELECT 5:a", ("a",), "SELECT 5 %(a)s", "SELECT 5 :a"),
    Case(
        "SELECT a FROM t WHERE b=:b AND:c",
        ("b", "c"),
        "SELECT a FROM t WHERE b=%(b)s AND %(c)s",
        "SELECT a FROM t WHERE b=:b AND :c",
    ),
    Case("SELECT :a:b", ("a", "b"), "SELECT %(a)s %(b)s", "SELECT :a :b"),
    # Casts and assignments.
    Case("SELECT x::int, :id::int", ("id",), "SELECT x::int, %(id)s::int"),
    Case("SELECT :id::int", ("id",), "SELECT %(id)s::int"),
    Case("SELECT :ids::int[]", ("ids",), "SELECT %(ids)s::int[]"),
    Case("SELECT :d::timestamptz::date", ("d",), "SELECT %(d)s::timestamptz::date"),
    Case("SELECT x :: text", (), "SELECT x :: text"),
    Case("SELECT (:a)::text", ("a",), "SELECT (%(a)s)::text"),
    Case("SELECT '{1,2}'::int[]", (), "SELECT '{1,2}'::int[]"),
    Case("SELECT f(a := :a)", ("a",), "SELECT f(a := %(a)s)"),
    Case("SELECT f(a:=:a)", ("a",), "SELECT f(a:=%(a)s)"),
    Case("SELECT :a := 1", ("a",), "SELECT %(a)s := 1"),
    # String literals.
    Case("SELECT ':b'", (), "SELECT ':b'"),
    Case("SELECT 'it''s :x'", (), "SELECT 'it''s :x'"),
    Case("SELECT '''', :a", ("a",), "SELECT '''', %(a)s"),
    Case("SELECT E'it\\'s :x', :y", ("y",), "SELECT E'it\\'s :x', %(y)s"),
    Case("SELECT e'\\\\', :y", ("y",), "SELECT e'\\\\', %(y)s"),
    Case("SELECT E'\\\\' || :y", ("y",), "SELECT E'\\\\' || %(y)s"),
    Case("SELECT 'a\\', :y", ("y",), "SELECT 'a\\', %(y)s"),
    Case("SELECT '12:30', 'HH24:MI:SS'", (), "SELECT '12:30', 'HH24:MI:SS'"),
    Case("SELECT to_char(:t, 'HH24:MI:SS')", ("t",), "SELECT to_char(%(t)s, 'HH24:MI:SS')"),
    Case("SELECT '--:x', :d", ("d",), "SELECT '--:x', %(d)s"),
    Case("SELECT '/* :x */', :d", ("d",), "SELECT '/* :x */', %(d)s"),
    Case("SELECT ';', :a", ("a",), "SELECT ';', %(a)s"),
    Case("SELECT ';' ; -- done\n/* end */", (), "SELECT ';'", "SELECT ';'"),
    Case("SELECT U&'d\\0061t:a'", (), "SELECT U&'d\\0061t:a'"),
    Case("SELECT B'0101', X'ff', N':x'", (), "SELECT B'0101', X'ff', N':x'"),
    Case("SELECT 'line1\n:x line2', :y", ("y",), "SELECT 'line1\n:x line2', %(y)s"),
    # Quoted identifiers.
    Case('SELECT "a:b" FROM t', (), 'SELECT "a:b" FROM t'),
    Case('SELECT "say ""hi:x""" FROM t', (), 'SELECT "say ""hi:x""" FROM t'),
    Case(
        'SELECT "t"."c" FROM "t" WHERE "c" = :c',
        ("c",),
        'SELECT "t"."c" FROM "t" WHERE "c" = %(c)s',
    ),
    Case("SELECT `a:b` FROM t WHERE x = :x", ("x",), "SELECT `a:b` FROM t WHERE x = %(x)s"),
    Case("SELECT [a:b] FROM t WHERE x = :x", ("x",), "SELECT [a:b] FROM t WHERE x = %(x)s"),
    Case("SELECT a, [b:c] FROM t", (), "SELECT a, [b:c] FROM t"),
    # Comments.
    Case("SELECT 1 -- :c trailing", (), "SELECT 1 -- :c trailing"),
    Case(
        "SELECT :a -- :c trailing\n",
        ("a",),
        "SELECT %(a)s -- :c trailing",
        "SELECT :a -- :c trailing",
    ),
    Case("SELECT :a --trailing", ("a",), "SELECT %(a)s --trailing"),
    Case("-- header :h\nSELECT :a", ("a",), "-- header :h\nSELECT %(a)s"),
    Case("SELECT /* :e */ :h", ("h",), "SELECT /* :e */ %(h)s"),
    Case(
        "SELECT /* :e /* nested :f */ still :g */ :h",
        ("h",),
        "SELECT /* :e /* nested :f */ still :g */ %(h)s",
    ),
    Case("SELECT /* it's */ :a", ("a",), "SELECT /* it's */ %(a)s"),
    Case("SELECT -- it's\n:a", ("a",), "SELECT -- it's\n%(a)s"),
    Case("SELECT 1 -- 100%\n, :q", ("q",), "SELECT 1 -- 100%%\n, %(q)s"),
    Case("SELECT :a/*c*/", ("a",), "SELECT %(a)s/*c*/"),
    Case("SELECT 2-:a", ("a",), "SELECT 2-%(a)s"),
    Case("SELECT 2 - -:a", ("a",), "SELECT 2 - -%(a)s"),
    # Dollar-quoted bodies and positional parameters.
    Case(
        "SELECT $$ :x ; $$, $tag$ :y $x$ $tag$, :z",
        ("z",),
        "SELECT $$ :x ; $$, $tag$ :y $x$ $tag$, %(z)s",
    ),
    Case("SELECT $$it's :x$$, :a", ("a",), "SELECT $$it's :x$$, %(a)s"),
    Case("SELECT $a$ $b$ :x $b$ $a$, :c", ("c",), "SELECT $a$ $b$ :x $b$ $a$, %(c)s"),
    Case("SELECT $1, :p", ("p",), "SELECT $1, %(p)s"),
    Case("SELECT a$b, :p", ("p",), "SELECT a$b, %(p)s"),
    Case("DO $$ BEGIN PERFORM 1; END $$", (), "DO $$ BEGIN PERFORM 1; END $$"),
    # Array slices stay slices; ARRAY[...] holds parameters.
    Case("SELECT a[1:2], b[lo:hi], c[:n]", (), "SELECT a[1:2], b[lo:hi], c[:n]"),
    Case("SELECT arr[:n] FROM t", (), "SELECT arr[:n] FROM t"),
    Case("SELECT a[:lo] FROM t", (), "SELECT a[:lo] FROM t"),
    Case("SELECT a[lo:] FROM t", (), "SELECT a[lo:] FROM t"),
    Case("SELECT a [ :n ] FROM t", (), "SELECT a [ :n ] FROM t"),
    Case("SELECT a[1][2:3] FROM t", (), "SELECT a[1][2:3] FROM t"),
    Case('SELECT "arr"[1:2] FROM t', (), 'SELECT "arr"[1:2] FROM t'),
    Case("SELECT (f(x))[1:2] FROM t", (), "SELECT (f(x))[1:2] FROM t"),
    Case("SELECT $1[1:2]", (), "SELECT $1[1:2]"),
    Case("SELECT a[(:i)] FROM t", ("i",), "SELECT a[(%(i)s)] FROM t"),
    Case("SELECT a[f(:i):n] FROM t", ("i",), "SELECT a[f(%(i)s):n] FROM t"),
    Case("SELECT ARRAY[:a, :b]", ("a", "b"), "SELECT ARRAY[%(a)s, %(b)s]"),
    Case("SELECT array[:a,:b]", ("a", "b"), "SELECT array[%(a)s,%(b)s]"),
    Case("SELECT ARRAY [ :a ]", ("a",), "SELECT ARRAY [ %(a)s ]"),
    Case(
        "SELECT ARRAY[[:a, :b], [:c, :d]]",
        ("a", "b", "c", "d"),
        "SELECT ARRAY[[%(a)s, %(b)s], [%(c)s, %(d)s]]",
    ),
    Case("SELECT (ARRAY[:a, :b])[:n]", ("a", "b"), "SELECT (ARRAY[%(a)s, %(b)s])[:n]"),
    Case("SELECT ARRAY[:a][1:1]", ("a",), "SELECT ARRAY[%(a)s][1:1]"),
    Case("SELECT ARRAY[1, 2] || :c", ("c",), "SELECT ARRAY[1, 2] || %(c)s"),
    Case("SELECT :arr[1:2]", ("arr",), "SELECT %(arr)s[1:2]"),
    # Literal % doubled for psycopg, everywhere but in a parameter.
    Case("SELECT 'a%' LIKE 'a%%', :q -- 100%", ("q",), "SELECT 'a%%' LIKE 'a%%%%', %(q)s -- 100%%"),
    Case("SELECT 10 % 3, :a", ("a",), "SELECT 10 %% 3, %(a)s"),
    Case('SELECT "50%" FROM t', (), 'SELECT "50%%" FROM t'),
    Case("SELECT $$%s$$, :a", ("a",), "SELECT $$%%s$$, %(a)s"),
    Case("SELECT /* %(x)s */ :a", ("a",), "SELECT /* %%(x)s */ %(a)s"),
    Case("SELECT '%(a)s', :a", ("a",), "SELECT '%%(a)s', %(a)s"),
    # Lists: = ANY(:p) and <> ALL(:p), any spacing and case.
    Case(
        "SELECT 1 FROM t WHERE id = ANY(:ids)",
        ("ids",),
        "SELECT 1 FROM t WHERE id = ANY(%(ids)s)",
        "SELECT 1 FROM t WHERE id IN (SELECT value FROM json_each(COALESCE(:ids, '[null]')))",
        lists=_l("ids"),
    ),
    Case(
        "SELECT 1 FROM t WHERE id=any(:ids)",
        ("ids",),
        "SELECT 1 FROM t WHERE id=any(%(ids)s)",
        "SELECT 1 FROM t WHERE id IN (SELECT value FROM json_each(COALESCE(:ids, '[null]')))",
        lists=_l("ids"),
    ),
    Case(
        "SELECT 1 FROM t WHERE id=ANY (:ids)",
        ("ids",),
        "SELECT 1 FROM t WHERE id=ANY (%(ids)s)",
        "SELECT 1 FROM t WHERE id IN (SELECT value FROM json_each (COALESCE(:ids, '[null]')))",
        lists=_l("ids"),
    ),
    Case(
        "SELECT 1 FROM t WHERE id = any ( :ids )",
        ("ids",),
        "SELECT 1 FROM t WHERE id = any ( %(ids)s )",
        "SELECT 1 FROM t WHERE id IN (SELECT value FROM json_each ( COALESCE(:ids, '[null]') ))",
        lists=_l("ids"),
    ),
    Case(
        "SELECT 1 FROM t WHERE id =\n    Any(\n        :ids\n    )",
        ("ids",),
        "SELECT 1 FROM t WHERE id =\n    Any(\n        %(ids)s\n    )",
        "SELECT 1 FROM t WHERE id IN\n    (SELECT value FROM json_each(\n"
        "        COALESCE(:ids, '[null]')\n    ))",
        lists=_l("ids"),
    ),
    Case(
        "SELECT 1 FROM t WHERE id = /* list */ ANY(:ids)",
        ("ids",),
        "SELECT 1 FROM t WHERE id = /* list */ ANY(%(ids)s)",
        "SELECT 1 FROM t WHERE id IN /* list */ "
        "(SELECT value FROM json_each(COALESCE(:ids, '[null]')))",
        lists=_l("ids"),
    ),
    Case(
        "SELECT 1 FROM t WHERE id = SOME(:ids)",
        ("ids",),
        "SELECT 1 FROM t WHERE id = SOME(%(ids)s)",
        "SELECT 1 FROM t WHERE id IN (SELECT value FROM json_each(COALESCE(:ids, '[null]')))",
        lists=_l("ids"),
    ),
    Case(
        "SELECT 1 FROM t WHERE s <> ALL(:skip)",
        ("skip",),
        "SELECT 1 FROM t WHERE s <> ALL(%(skip)s)",
        "SELECT 1 FROM t WHERE s NOT IN (SELECT value FROM json_each(COALESCE(:skip, '[null]')))",
        lists=_l("skip"),
    ),
    Case(
        "SELECT 1 FROM t WHERE s<>all(:skip)",
        ("skip",),
        "SELECT 1 FROM t WHERE s<>all(%(skip)s)",
        "SELECT 1 FROM t WHERE s NOT IN (SELECT value FROM json_each(COALESCE(:skip, '[null]')))",
        lists=_l("skip"),
    ),
    Case(
        "SELECT 1 FROM t WHERE s != ALL ( :skip )",
        ("skip",),
        "SELECT 1 FROM t WHERE s != ALL ( %(skip)s )",
        "SELECT 1 FROM t WHERE s NOT IN "
        "(SELECT value FROM json_each ( COALESCE(:skip, '[null]') ))",
        lists=_l("skip"),
    ),
    Case(
        "SELECT 1 FROM t WHERE id = ANY(:ids) AND s <> ALL(:skip) AND u = :u",
        ("ids", "skip", "u"),
        "SELECT 1 FROM t WHERE id = ANY(%(ids)s) AND s <> ALL(%(skip)s) AND u = %(u)s",
        "SELECT 1 FROM t WHERE id IN (SELECT value FROM json_each(COALESCE(:ids, '[null]')))"
        " AND s NOT IN (SELECT value FROM json_each(COALESCE(:skip, '[null]'))) AND u = :u",
        lists=_l("ids", "skip"),
    ),
    Case(
        "SELECT 1 FROM t WHERE (id = ANY(:ids))",
        ("ids",),
        "SELECT 1 FROM t WHERE (id = ANY(%(ids)s))",
        "SELECT 1 FROM t WHERE (id IN (SELECT value FROM json_each(COALESCE(:ids, '[null]'))))",
        lists=_l("ids"),
    ),
    Case(
        "SELECT 1 FROM t WHERE r ->> 'e' = ANY(:errs)",
        ("errs",),
        "SELECT 1 FROM t WHERE r ->> 'e' = ANY(%(errs)s)",
        "SELECT 1 FROM t WHERE r ->> 'e' IN "
        "(SELECT value FROM json_each(COALESCE(:errs, '[null]')))",
        lists=_l("errs"),
    ),
    Case(
        "SELECT 1 FROM t WHERE :ids IS NULL OR id = ANY(:ids)",
        ("ids",),
        "SELECT 1 FROM t WHERE %(ids)s IS NULL OR id = ANY(%(ids)s)",
        "SELECT 1 FROM t WHERE :ids IS NULL OR id IN "
        "(SELECT value FROM json_each(COALESCE(:ids, '[null]')))",
        lists=_l("ids"),
    ),
    # ANY/ALL forms that no IN-list means: PostgreSQL only.
    Case(
        "SELECT 1 WHERE x = ALL(:p)",
        ("p",),
        "SELECT 1 WHERE x = ALL(%(p)s)",
        NO_SQLITE_FORM,
        lists=_l("p"),
    ),
    Case(
        "SELECT 1 WHERE x <> ANY(:p)",
        ("p",),
        "SELECT 1 WHERE x <> ANY(%(p)s)",
        NO_SQLITE_FORM,
        lists=_l("p"),
    ),
    Case(
        "SELECT 1 WHERE x >= ANY(:p)",
        ("p",),
        "SELECT 1 WHERE x >= ANY(%(p)s)",
        NO_SQLITE_FORM,
        lists=_l("p"),
    ),
    Case(
        "SELECT 1 WHERE x>ALL(:p)",
        ("p",),
        "SELECT 1 WHERE x>ALL(%(p)s)",
        NO_SQLITE_FORM,
        lists=_l("p"),
    ),
    Case(
        "SELECT 1 WHERE x LIKE ANY(:p)",
        ("p",),
        "SELECT 1 WHERE x LIKE ANY(%(p)s)",
        NO_SQLITE_FORM,
        lists=_l("p"),
    ),
    # ANY of something else than a lone parameter is not a list parameter.
    Case(
        "SELECT 1 WHERE x = ANY(ARRAY[:a, :b])",
        ("a", "b"),
        "SELECT 1 WHERE x = ANY(ARRAY[%(a)s, %(b)s])",
    ),
    Case("SELECT 1 WHERE x = ANY(:p::int[])", ("p",), "SELECT 1 WHERE x = ANY(%(p)s::int[])"),
    Case(
        "SELECT 1 WHERE x = ANY(SELECT y FROM u WHERE z = :z)",
        ("z",),
        "SELECT 1 WHERE x = ANY(SELECT y FROM u WHERE z = %(z)s)",
    ),
    # IN-lists: each item one value.
    Case(
        "SELECT 1 FROM t WHERE id IN (:id)",
        ("id",),
        "SELECT 1 FROM t WHERE id IN (%(id)s)",
        items=_l("id"),
    ),
    Case(
        "SELECT 1 FROM t WHERE id in(:id)",
        ("id",),
        "SELECT 1 FROM t WHERE id in(%(id)s)",
        items=_l("id"),
    ),
    Case(
        "SELECT 1 FROM t WHERE id NOT IN ( :id )",
        ("id",),
        "SELECT 1 FROM t WHERE id NOT IN ( %(id)s )",
        items=_l("id"),
    ),
    Case(
        "SELECT 1 FROM t WHERE id IN (:a, :b, 3)",
        ("a", "b"),
        "SELECT 1 FROM t WHERE id IN (%(a)s, %(b)s, 3)",
        items=_l("a", "b"),
    ),
    Case(
        "SELECT 1 FROM t WHERE id IN (3,:a)",
        ("a",),
        "SELECT 1 FROM t WHERE id IN (3,%(a)s)",
        items=_l("a"),
    ),
    Case("SELECT 1 FROM t WHERE id IN (:a + 1)", ("a",), "SELECT 1 FROM t WHERE id IN (%(a)s + 1)"),
    Case("SELECT 1 FROM t WHERE id IN (f(:a))", ("a",), "SELECT 1 FROM t WHERE id IN (f(%(a)s))"),
    Case(
        "SELECT 1 FROM t WHERE id IN (SELECT x FROM u WHERE y = :y)",
        ("y",),
        "SELECT 1 FROM t WHERE id IN (SELECT x FROM u WHERE y = %(y)s)",
    ),
    Case(
        "SELECT 1 FROM t WHERE id IN /* ids */ (:ids)",
        ("ids",),
        "SELECT 1 FROM t WHERE id IN /* ids */ (%(ids)s)",
        items=_l("ids"),
    ),
    Case(
        "SELECT 1 FROM t WHERE (a, b) IN ((:a, :b))",
        ("a", "b"),
        "SELECT 1 FROM t WHERE (a, b) IN ((%(a)s, %(b)s))",
    ),
    # Statement shapes.
    Case(
        "WITH x AS (SELECT :a AS a) SELECT a FROM x WHERE a > :b",
        ("a", "b"),
        "WITH x AS (SELECT %(a)s AS a) SELECT a FROM x WHERE a > %(b)s",
    ),
    Case(
        "INSERT INTO t (k, v) VALUES (:k, :v)\nON CONFLICT (k) DO UPDATE SET v = EXCLUDED.v + :v",
        ("k", "v"),
        "INSERT INTO t (k, v) VALUES (%(k)s, %(v)s)\n"
        "ON CONFLICT (k) DO UPDATE SET v = EXCLUDED.v + %(v)s",
    ),
    Case(
        "SELECT row_number() OVER (PARTITION BY a ORDER BY b) FROM t WHERE c = :c",
        ("c",),
        "SELECT row_number() OVER (PARTITION BY a ORDER BY b) FROM t WHERE c = %(c)s",
    ),
    Case("COPY t (a, b) FROM STDIN", (), "COPY t (a, b) FROM STDIN"),
    Case("SELECT 1.5e-3 * :x", ("x",), "SELECT 1.5e-3 * %(x)s"),
    Case("SELECT t.* FROM t WHERE t.a=:a", ("a",), "SELECT t.* FROM t WHERE t.a=%(a)s"),
    Case("SELECT :a\n\n  \n", ("a",), "SELECT %(a)s", "SELECT :a"),
]
