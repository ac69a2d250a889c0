"""The SQL lexer: tokens, and the uses of parameters that the rendering rewrites.

It knows just enough SQL to never mistake a colon for a parameter, nor a
parameter for anything else: string literals (``''`` and ``E'\\''``
escapes), quoted identifiers (``"a"``, and SQLite's ```a``` and ``[a]``),
``--`` and nested ``/* */`` comments, ``$tag$`` bodies, ``::`` casts and
``:=`` assignments. A colon is an array slice's only inside square brackets
that follow an operand (``arr[1:2]``, ``a[lo:hi]``, ``a[:n]``); everywhere
else (``ARRAY[:a, :b]``, ``THEN:y``, ``(:a)``, ``:a||:b``) ``:name`` is a
parameter. A ``;`` outside those ends the statement; anything but comments
after it is a second statement, which a query file may not hold.

Two uses of a parameter are recorded for the registry. ``x = ANY(:p)`` and
``x <> ALL(:p)`` take a list (an array on PostgreSQL, a ``json_each`` IN-list
on SQLite). ``x IN (:p)`` or ``x IN (:a, :b)`` takes one value per item, so a
list given there is refused before sending (see ``Statement.in_params``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = [
    "LITERALS",
    "PARAM",
    "WS",
    "ListUse",
    "SqlSyntaxError",
    "Token",
    "tokenize",
]


class SqlSyntaxError(ValueError):
    """The text cannot be split into one statement (unterminated quote, two statements)."""

    def __init__(self, message: str, line: int):
        self.line = line
        super().__init__(f"line {line}: {message}")


# Token kinds. WS and COMMENT are not significant (they never change what a
# neighbouring token means); STRING, QIDENT, DOLLAR and COMMENT become Literal_
# segments, PARAM a Param, everything else Code.
WS, COMMENT, STRING, QIDENT, DOLLAR = "ws", "comment", "string", "qident", "dollar"
WORD, POSITIONAL, OP, PUNCT, CAST, ASSIGN, COLON, PARAM = (
    "word",
    "positional",
    "op",
    "punct",
    "cast",
    "assign",
    "colon",
    "param",
)
LITERALS = frozenset((COMMENT, STRING, QIDENT, DOLLAR))
INSIGNIFICANT = frozenset((WS, COMMENT))


@dataclass(frozen=True, slots=True)
class Token:
    """One lexical token: its kind, its exact text and the line it starts on."""

    kind: str
    text: str
    line: int


@dataclass(frozen=True, slots=True)
class ListUse:
    """``operand <op> ANY|ALL|SOME ( :name )``: a parameter that takes a list.

    The indexes point into ``Statement.tokens``; ``keyword`` is the SQLite
    IN-list that means the same (``IN``/``NOT IN``), or ``None`` where no
    IN-list does (``= ALL``, ``<> ANY``, ``> ANY``...).
    """

    name: str
    line: int
    op: int
    quantifier: int
    param: int
    close: int
    keyword: str | None


# Characters of PostgreSQL's operators (``--`` and ``/*`` start comments instead).
_OPERATOR_CHARS = frozenset("+-*/<>=~!@#%^&|?")
_TAG = re.compile(r"\$([A-Za-z_\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*)?\$")
# Open brackets on the lexer's stack.
_PAREN, _IN_PAREN, _SUBSCRIPT, _ARRAY = "(", "in(", "sub[", "array["
# Words after which an operand is expected, so a ``[`` there starts no subscript:
# on SQLite it opens a quoted identifier (``SELECT [a:b] FROM t``).
_KEYWORDS = frozenset(
    re.findall(
        r"\w+",
        """all and any as between by case distinct do else escape except exists filter from
        group having ilike in insert intersect into is join like limit not offset on or order
        over partition returning select set similar some table then union update using values
        when where window with""",
    )
)


_WORD_RUN = re.compile(r"[\w$]*")
_NAME_RUN = re.compile(r"\w*")
_SPACE_RUN = re.compile(r"\s+")


def _is_ident_start(ch: str) -> bool:
    return ch.isalpha() or ch == "_"


def _is_word_char(ch: str) -> bool:
    return ch.isalnum() or ch == "_" or ch == "$"


def _is_name_char(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


def tokenize(sql: str) -> tuple[list[Token], tuple[ListUse, ...], frozenset[str]]:
    """The tokens of one statement (no trailing whitespace), its list uses and IN-list items.

    Raises ``SqlSyntaxError`` unless ``sql`` is one statement.
    """
    lexer = _Lexer(sql)
    tokens = lexer.run()
    while tokens and tokens[-1].kind == WS:
        tokens.pop()
    if not any(t.kind not in LITERALS and t.kind != WS for t in tokens):
        raise SqlSyntaxError("no SQL statement", 1)
    list_uses, in_params = _uses(tokens, lexer.inside)
    return tokens, list_uses, in_params


class _Lexer:
    """One pass over the text; the bracket stack tells a slice's colon from a parameter."""

    def __init__(self, sql: str):
        self.sql = sql
        self.i = 0
        self.line = 1
        self.tokens: list[Token] = []
        self.stack: list[str] = []
        self.prev: Token | None = None  # the last significant token
        # For each token, the bracket it is directly inside (None at top level).
        self.inside: list[str | None] = []

    def emit(self, kind: str, end: int) -> None:
        """Add the text from the current position to ``end`` as one token."""
        tok = Token(kind, self.sql[self.i : end], self.line)
        self.tokens.append(tok)
        self.inside.append(self.stack[-1] if self.stack else None)
        self.line += tok.text.count("\n")
        self.i = end
        if kind not in INSIGNIFICANT:
            self.prev = tok

    def scan(self, start: int, *, name: bool = False) -> int:
        """The end of the word (or parameter name) that goes on at ``start``."""
        # ``\w`` is what str.isalnum() accepts, and ``_``: the tests above, run by re.
        return (_NAME_RUN if name else _WORD_RUN).match(self.sql, start).end()  # type: ignore[union-attr]

    def run(self) -> list[Token]:
        """Every token up to the end of the statement."""
        sql, n = self.sql, len(self.sql)
        while self.i < n:
            i, ch = self.i, sql[self.i]
            nxt = sql[i + 1] if i + 1 < n else ""
            if ch.isspace():
                self.emit(WS, _SPACE_RUN.match(sql, i).end())  # type: ignore[union-attr]
            elif ch == "'":
                escapes = i > 0 and sql[i - 1] in "eE" and (i < 2 or not _is_word_char(sql[i - 2]))
                self.emit(STRING, _end_of_quoted(sql, i, "'", escapes, self.line))
            elif ch in '"`':
                self.emit(QIDENT, _end_of_quoted(sql, i, ch, False, self.line))
            elif ch == "-" and nxt == "-":
                end = sql.find("\n", i)
                self.emit(COMMENT, n if end < 0 else end)
            elif ch == "/" and nxt == "*":
                self.emit(COMMENT, _end_of_block_comment(sql, i, self.line))
            elif ch == "$":
                self.dollar(i)
            elif ch.isalnum() or ch == "_":
                self.emit(WORD, self.scan(i))
            elif ch == ":":
                self.colon(i, nxt)
            elif ch == "(":
                prev = self.prev
                opens_in = prev is not None and prev.kind == WORD and prev.text.lower() == "in"
                self.stack.append(_IN_PAREN if opens_in else _PAREN)
                self.emit(PUNCT, i + 1)
            elif ch == ")":
                if self.stack and self.stack[-1] in (_PAREN, _IN_PAREN):
                    self.stack.pop()
                self.emit(PUNCT, i + 1)
            elif ch == "[":
                self.bracket(i)
            elif ch == "]":
                if self.stack and self.stack[-1] in (_SUBSCRIPT, _ARRAY):
                    self.stack.pop()
                self.emit(PUNCT, i + 1)
            elif ch == ";":
                _check_only_comments_after(sql, i + 1, self.line)
                break
            elif ch in _OPERATOR_CHARS:
                j = i + 1
                while j < n and sql[j] in _OPERATOR_CHARS and sql[j : j + 2] not in ("--", "/*"):
                    j += 1
                self.emit(OP, j)
            else:
                self.emit(PUNCT, i + 1)
        return self.tokens

    def dollar(self, i: int) -> None:
        """A ``$tag$`` body, a ``$1`` placeholder, or a lone ``$``."""
        sql = self.sql
        m = _TAG.match(sql, i)
        if m and (i == 0 or not _is_word_char(sql[i - 1])):
            close = sql.find(m.group(0), m.end())
            if close < 0:
                raise SqlSyntaxError(f"unterminated dollar-quoted body {m.group(0)}", self.line)
            self.emit(DOLLAR, close + len(m.group(0)))
        elif i + 1 < len(sql) and sql[i + 1].isdigit():
            self.emit(POSITIONAL, self.scan(i + 1))
        else:
            self.emit(PUNCT, i + 1)

    def colon(self, i: int, nxt: str) -> None:
        """A cast, an assignment, a slice's colon or a parameter."""
        if nxt == ":":
            self.emit(CAST, i + 2)
        elif nxt == "=":
            self.emit(ASSIGN, i + 2)
        elif self.stack and self.stack[-1] == _SUBSCRIPT:
            self.emit(COLON, i + 1)
        elif _is_ident_start(nxt):
            last = self.tokens[-1].text if self.tokens else ""
            if last and _is_word_char(last[-1]):
                # THEN:y: PostgreSQL would read THEN$1 (what %(y)s becomes) as one name.
                self.tokens.append(Token(WS, " ", self.line))
                self.inside.append(self.stack[-1] if self.stack else None)
            self.emit(PARAM, self.scan(i + 1, name=True))
        else:
            self.emit(COLON, i + 1)

    def bracket(self, i: int) -> None:
        """A subscript, an ARRAY constructor, or SQLite's ``[quoted identifier]``."""
        prev = self.prev
        word = prev.text.lower() if prev is not None and prev.kind == WORD else None
        if word == "array":
            kind = _ARRAY
        elif prev is not None and (
            (word is not None and word not in _KEYWORDS)
            or prev.kind in (POSITIONAL, QIDENT, STRING, DOLLAR, PARAM)
            or prev.text in (")", "]")
        ):
            kind = _SUBSCRIPT
        elif self.stack and self.stack[-1] == _ARRAY and prev is not None and prev.text in "[,":
            kind = _ARRAY  # ARRAY[[1, 2], [3, 4]]
        else:
            # Not PostgreSQL (where it would be a syntax error): SQLite's [quoted identifier].
            end = self.sql.find("]", i + 1)
            if end >= 0:
                self.emit(QIDENT, end + 1)
                return
            kind = _ARRAY
        self.stack.append(kind)
        self.emit(PUNCT, i + 1)


def _uses(
    tokens: list[Token], inside: list[str | None]
) -> tuple[tuple[ListUse, ...], frozenset[str]]:
    """The list uses (``= ANY(:p)``) and the IN-list items (``IN (:p)``) among the tokens."""
    sig = [k for k, t in enumerate(tokens) if t.kind not in INSIGNIFICANT]
    lists: list[ListUse] = []
    items: set[str] = set()

    def text(pos: int) -> str:
        return tokens[sig[pos]].text if 0 <= pos < len(sig) else ""

    for pos, k in enumerate(sig):
        tok = tokens[k]
        if tok.kind != PARAM:
            continue
        before, after = text(pos - 1), text(pos + 1)
        name = tok.text[1:]
        if inside[k] == _IN_PAREN and before in ("(", ",") and after in (")", ","):
            items.add(name)
        if before != "(" or after != ")" or pos < 3:
            continue
        quantifier = tokens[sig[pos - 2]]
        op = tokens[sig[pos - 3]]
        if quantifier.kind != WORD or quantifier.text.upper() not in ("ANY", "ALL", "SOME"):
            continue
        if op.kind != OP and not (op.kind == WORD and op.text.upper() in ("LIKE", "ILIKE")):
            continue
        keyword = None
        if op.text == "=" and quantifier.text.upper() != "ALL":
            keyword = "IN"
        elif op.text in ("<>", "!=") and quantifier.text.upper() == "ALL":
            keyword = "NOT IN"
        lists.append(ListUse(name, tok.line, sig[pos - 3], sig[pos - 2], k, sig[pos + 1], keyword))
    return tuple(lists), frozenset(items)


def _end_of_quoted(sql: str, start: int, quote: str, escapes: bool, line: int) -> int:
    i, n = start + 1, len(sql)
    while i < n:
        ch = sql[i]
        if escapes and ch == "\\":
            i += 2
            continue
        if ch == quote:
            if i + 1 < n and sql[i + 1] == quote:
                i += 2
                continue
            return i + 1
        i += 1
    what = "string literal" if quote == "'" else "quoted identifier"
    raise SqlSyntaxError(f"unterminated {what}", line)


def _end_of_block_comment(sql: str, start: int, line: int) -> int:
    depth, i, n = 0, start, len(sql)
    while i < n:
        two = sql[i : i + 2]
        if two == "/*":
            depth += 1
            i += 2
        elif two == "*/":
            depth -= 1
            i += 2
            if depth == 0:
                return i
        else:
            i += 1
    raise SqlSyntaxError("unterminated /* comment", line)


def _check_only_comments_after(sql: str, start: int, line: int) -> None:
    rest = sql[start:]
    i, n = 0, len(rest)
    while i < n:
        if rest[i].isspace():
            if rest[i] == "\n":
                line += 1
            i += 1
        elif rest.startswith("--", i):
            end = rest.find("\n", i)
            i = n if end < 0 else end
        elif rest.startswith("/*", i):
            i = _end_of_block_comment(rest, i, line)
        else:
            raise SqlSyntaxError("a query file holds one statement; found a second after ';'", line)
