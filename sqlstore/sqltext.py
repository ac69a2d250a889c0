"""A small SQL lexer: finds ``:name`` parameters and renders a statement per driver.

It knows just enough SQL to never mistake a colon for a parameter: string
literals (``''`` and ``E'\\''`` escapes), quoted identifiers, ``--`` and nested
``/* */`` comments, ``$tag$`` bodies, ``::`` casts, ``:=`` assignments and
array slices (``[1:2]``, ``[lo:hi]``, ``[:n]``). A ``;`` outside those ends
the statement; anything but comments after it is a second statement, which a
query file may not hold.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

__all__ = ["Code", "Literal_", "Param", "SqlSyntaxError", "Statement", "parse"]


class SqlSyntaxError(ValueError):
    """The text cannot be split into one statement (unterminated quote, two statements)."""

    def __init__(self, message: str, line: int):
        self.line = line
        super().__init__(f"line {line}: {message}")


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

_ANY_BEFORE = re.compile(r"(=|<>|!=)\s*(ANY|ALL)\s*\(\s*$", re.IGNORECASE)
_ANY_AFTER = re.compile(r"^\s*\)")
_TAG = re.compile(r"\$([A-Za-z_\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*)?\$")


def _is_ident_start(ch: str) -> bool:
    return ch.isalpha() or ch == "_"


def _is_ident_char(ch: str) -> bool:
    return ch.isalnum() or ch == "_" or ch == "$"


@dataclass(frozen=True)
class Statement:
    """One parsed SQL statement: its segments and its parameter names."""

    source: str
    segments: tuple[Segment, ...]
    params: tuple[str, ...] = field(init=False)
    list_params: frozenset[str] = field(init=False)

    def __post_init__(self) -> None:
        names: dict[str, None] = {}
        for seg in self.segments:
            if isinstance(seg, Param):
                names.setdefault(seg.name)
        object.__setattr__(self, "params", tuple(names))
        object.__setattr__(self, "list_params", frozenset(p for p, _ in self._any_params()))

    def _any_params(self) -> list[tuple[str, int]]:
        """The parameters written as ``= ANY(:p)`` / ``<> ALL(:p)``, with their positions."""
        found = []
        segs = self.segments
        for i, seg in enumerate(segs):
            if not isinstance(seg, Param) or i == 0 or i + 1 >= len(segs):
                continue
            before, after = segs[i - 1], segs[i + 1]
            if (
                isinstance(before, Code)
                and isinstance(after, Code)
                and _ANY_BEFORE.search(before.text)
                and _ANY_AFTER.match(after.text)
            ):
                found.append((seg.name, i))
        return found

    def pyformat(self) -> str:
        """Render for psycopg: ``%(name)s`` placeholders, every literal ``%`` doubled."""
        out = []
        for seg in self.segments:
            if isinstance(seg, Param):
                out.append(f"%({seg.name})s")
            else:
                out.append(seg.text.replace("%", "%%"))
        return "".join(out)

    def named(self, *, lists_as_json_each: bool = False) -> str:
        """Render with ``:name`` placeholders (sqlite3's own style).

        With ``lists_as_json_each``, ``x = ANY(:p)`` becomes
        ``x IN (SELECT value FROM json_each(:p))`` and ``x <> ALL(:p)`` its
        ``NOT IN`` form, for a database without arrays.
        """
        segs: list[Segment] = list(self.segments)
        if lists_as_json_each:
            for _name, i in reversed(self._any_params()):
                before = segs[i - 1]
                after = segs[i + 1]
                assert isinstance(before, Code) and isinstance(after, Code)
                m = _ANY_BEFORE.search(before.text)
                assert m is not None
                negate = m.group(2).upper() == "ALL"
                if negate != (m.group(1) != "="):
                    raise SqlSyntaxError(
                        "only '= ANY(:list)' and '<> ALL(:list)' are portable",
                        _name_line(segs[i]),
                    )
                keyword = "NOT IN" if negate else "IN"
                segs[i - 1] = Code(
                    before.text[: m.start()] + f"{keyword} (SELECT value FROM json_each("
                )
                segs[i + 1] = Code("))" + after.text[_ANY_AFTER.match(after.text).end() :])  # type: ignore[union-attr]
        return "".join(f":{s.name}" if isinstance(s, Param) else s.text for s in segs)


def _name_line(seg: Segment) -> int:
    return seg.line if isinstance(seg, Param) else 0


def parse(sql: str) -> Statement:
    """Split ``sql`` into segments; raise ``SqlSyntaxError`` unless it is one statement."""
    segments: list[Segment] = []
    code: list[str] = []
    i, n, line = 0, len(sql), 1

    def flush() -> None:
        if code:
            segments.append(Code("".join(code)))
            code.clear()

    def literal(end: int) -> None:
        nonlocal i, line
        flush()
        text = sql[i:end]
        line += text.count("\n")
        segments.append(Literal_(text))
        i = end

    while i < n:
        ch = sql[i]
        nxt = sql[i + 1] if i + 1 < n else ""
        if ch == "'":
            escapes = i > 0 and sql[i - 1] in "eE" and (i < 2 or not _is_ident_char(sql[i - 2]))
            literal(_end_of_quoted(sql, i, "'", escapes, line))
        elif ch == '"':
            literal(_end_of_quoted(sql, i, '"', False, line))
        elif ch == "-" and nxt == "-":
            end = sql.find("\n", i)
            literal(n if end < 0 else end)
        elif ch == "/" and nxt == "*":
            literal(_end_of_block_comment(sql, i, line))
        elif ch == "$" and (i == 0 or not _is_ident_char(sql[i - 1])) and (m := _TAG.match(sql, i)):
            close = sql.find(m.group(0), m.end())
            if close < 0:
                raise SqlSyntaxError(f"unterminated dollar-quoted body {m.group(0)}", line)
            literal(close + len(m.group(0)))
        elif ch == ":" and nxt in (":", "="):
            code.append(ch + nxt)
            i += 2
        elif ch == ":" and _is_ident_start(nxt) and not _follows_operand(sql, i):
            j = i + 1
            while j < n and (sql[j].isalnum() or sql[j] == "_"):
                j += 1
            flush()
            segments.append(Param(sql[i + 1 : j], line))
            i = j
        elif ch == ";":
            _check_only_comments_after(sql, i + 1, line)
            break
        else:
            if ch == "\n":
                line += 1
            code.append(ch)
            i += 1
    flush()
    # Trailing white space after the last segment is noise, not SQL.
    if segments and isinstance(segments[-1], Code):
        stripped = segments[-1].text.rstrip()
        segments[-1] = Code(stripped)
        if not stripped:
            segments.pop()
    if not any(isinstance(s, Param) or (isinstance(s, Code) and s.text.strip()) for s in segments):
        raise SqlSyntaxError("no SQL statement", 1)
    return Statement(sql, tuple(segments))


def _follows_operand(sql: str, i: int) -> bool:
    """True where a colon ends an operand, as in an array slice ``[lo:hi]`` or ``[:n]``."""
    prev = sql[i - 1] if i > 0 else ""
    return prev != "" and (_is_ident_char(prev) or prev in "])[")


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
