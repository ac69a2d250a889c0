"""SQL statements: a query file parsed into segments and rendered per driver.

``parse`` splits the text (see ``sqlstore._sqllex`` for what the lexer
knows of SQL) into plain code, literals and ``:name`` parameters; a
``Statement`` renders itself for psycopg (``%(name)s``), for sqlite3
(``:name``, lists rewritten as ``json_each`` IN-lists) or numbered
(``?1``, ``$1``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sqlstore._sqllex import LITERALS, PARAM, WS, ListUse, SqlSyntaxError, Token, tokenize

_WORD = re.compile(r"[A-Za-z_]+")

__all__ = ["Code", "ListUse", "Literal_", "Param", "SqlSyntaxError", "Statement", "Token", "parse"]


@dataclass(frozen=True, slots=True)
class Code:
    """Plain SQL text outside any literal or comment."""

    text: str


@dataclass(frozen=True, slots=True)
class Literal_:
    """A string, quoted identifier, comment or dollar-quoted body, passed through."""

    text: str


@dataclass(frozen=True, slots=True)
class Param:
    """A ``:name`` parameter."""

    name: str
    line: int


Segment = Code | Literal_ | Param


@dataclass(frozen=True)
class Statement:
    """One parsed SQL statement: its segments and its parameter names.

    ``params`` are the names in order of first use. ``list_params`` take a
    list (``= ANY(:p)``). ``in_params`` are items of an ``IN (...)`` list,
    which take one value each.
    """

    source: str
    segments: tuple[Segment, ...]
    tokens: tuple[Token, ...] = field(default=(), repr=False, compare=False)
    list_uses: tuple[ListUse, ...] = field(default=(), repr=False, compare=False)
    in_params: frozenset[str] = frozenset()
    params: tuple[str, ...] = field(init=False)
    list_params: frozenset[str] = field(init=False)

    def __post_init__(self) -> None:
        names: dict[str, None] = {}
        for seg in self.segments:
            if isinstance(seg, Param):
                names.setdefault(seg.name)
        object.__setattr__(self, "params", tuple(names))
        object.__setattr__(self, "list_params", frozenset(u.name for u in self.list_uses))

    @property
    def kind(self) -> str:
        """The statement's first keyword, upper case (``SELECT``, ``DO``...); "" if none."""
        for seg in self.segments:
            if isinstance(seg, Code) and (word := _WORD.search(seg.text)):
                return word.group(0).upper()
            if isinstance(seg, Param):
                break
        return ""

    def pyformat(self) -> str:
        """Render for psycopg: ``%(name)s`` placeholders, every literal ``%`` doubled."""
        out = []
        for seg in self.segments:
            if isinstance(seg, Param):
                out.append(f"%({seg.name})s")
            else:
                out.append(seg.text.replace("%", "%%"))
        return "".join(out)

    def positional_pyformat(self) -> tuple[str, tuple[str, ...]]:
        """Render for psycopg by position: ``%s`` placeholders, and the name each one takes."""
        out, names = [], []
        for seg in self.segments:
            if isinstance(seg, Param):
                out.append("%s")
                names.append(seg.name)
            else:
                out.append(seg.text.replace("%", "%%"))
        return "".join(out), tuple(names)

    def numbered(self, mark: str) -> str:
        """Render with ``<mark>N`` placeholders, N a parameter's order of first use.

        ``?1`` binds sqlite3's parameters by position; ``$1`` is PostgreSQL's
        own form, as ``PREPARE`` takes it.
        """
        number = {name: i for i, name in enumerate(self.params, 1)}
        return "".join(
            f"{mark}{number[seg.name]}" if isinstance(seg, Param) else seg.text
            for seg in self.segments
        )

    def named(self, *, lists_as_json_each: bool = False) -> str:
        """Render with ``:name`` placeholders (sqlite3's own style).

        With ``lists_as_json_each``, ``x = ANY(:p)`` becomes
        ``x IN (SELECT value FROM json_each(COALESCE(:p, '[null]')))`` and
        ``x <> ALL(:p)`` its ``NOT IN`` form, for a database without arrays:
        an empty list matches no row (``NOT IN``: every row) and NULL gives
        NULL, as on PostgreSQL. Any other ``ANY``/``ALL`` of a parameter has
        no such form and is refused.
        """
        if not (lists_as_json_each and self.list_uses):
            return "".join(f":{s.name}" if isinstance(s, Param) else s.text for s in self.segments)
        tokens = self.tokens
        texts = [t.text for t in tokens]
        for use in self.list_uses:
            if use.keyword is None:
                written = " ".join(tokens[i].text for i in (use.op, use.quantifier))
                raise SqlSyntaxError(
                    f"'{written}(:{use.name})' has no SQLite form: only '= ANY(:list)' "
                    "and '<> ALL(:list)' are portable",
                    use.line,
                )
            before = tokens[use.op - 1].kind if use.op else WS
            texts[use.op] = ("" if before == WS else " ") + use.keyword
            gap = tokens[use.quantifier - 1].kind
            texts[use.quantifier] = ("" if gap == WS else " ") + "(SELECT value FROM json_each"
            # NULL for the list: NULL, as PostgreSQL's x = ANY(NULL), not an empty list.
            texts[use.param] = f"COALESCE(:{use.name}, '[null]')"
            texts[use.close] = "))"
        return "".join(texts)


def parse(sql: str) -> Statement:
    """Split ``sql`` into segments; raise ``SqlSyntaxError`` unless it is one statement."""
    tokens, list_uses, in_params = tokenize(sql)
    segments: list[Segment] = []
    code: list[str] = []
    for tok in tokens:
        if tok.kind == PARAM:
            if code:
                segments.append(Code("".join(code)))
                code.clear()
            segments.append(Param(tok.text[1:], tok.line))
        elif tok.kind in LITERALS:
            if code:
                segments.append(Code("".join(code)))
                code.clear()
            segments.append(Literal_(tok.text))
        else:
            code.append(tok.text)
    if code:
        segments.append(Code("".join(code)))
    return Statement(sql, tuple(segments), tuple(tokens), list_uses, in_params)
