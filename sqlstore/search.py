"""Full-text search: the query syntax both dialects accept, parsed once and checked.

The syntax (what a search box sends):

- ``word``: rows holding the word (case-insensitive, no stemming);
- ``word*``: rows holding a word that starts with it (a prefix of 1+ letters);
- ``"a few words"``: the words next to each other, in that order;
- items side by side: every one of them (AND);
- ``a OR b``: either (``OR`` in capitals binds tighter than AND:
  ``beat OR loop drums`` is (beat OR loop) AND drums);
- ``-word``, ``-"a phrase"``: rows without it (at least one item must not be
  excluded, and an excluded item cannot be an OR's side).

A word is letters and digits. Any other character but a space and the
syntax's own (``"``, ``*``, ``(``, ``)``, ``:``, ``^``) joins words:
``hip-hop``, ``don't``, ``bob@example.com`` or ``1,000`` is the phrase of its
words, as both dialects split the text; one before or after a word is
dropped (``#tag``, ``hip.``, ``C++``). Anything else (parentheses, ``:``,
``^``, a lone ``*``, an unclosed quote, ``OR`` at an end, ``AND``, ``NOT`` or
``NEAR`` in capitals) is refused with ``InvalidInput`` before anything is
sent. Each dialect renders the parsed query for its engine, the words as
typed (each engine folds case as it folds the text): an FTS5 ``MATCH``
expression on SQLite, a ``to_tsquery`` text on PostgreSQL
(``Dialect.search_query``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

from sqlstore.errors import InvalidInput

__all__ = [
    "INDEX_TABLES",
    "MAX_PAIR_BYTES",
    "MAX_QUERY_CHARS",
    "Clause",
    "Term",
    "parse",
    "phrase_pairs",
    "rank_units",
    "terms_plan",
    "to_fts5",
    "to_tsquery",
]

#: Tables that are search indexes, filled by triggers from the tables they index
#: (migration 0007): never copied or compared as data of their own.
INDEX_TABLES = frozenset({"transcript_terms"})
#: The longest search query, in characters.
MAX_QUERY_CHARS = 500
#: The most items (words, phrases) in one query.
MAX_ITEMS = 32

_WORD = r"[^\W_]+"
# A character that joins words: not a letter, digit or space, nor the syntax's own.
_JOIN = r'(?:_|[^\w\s"*():^])'
_TOKEN = re.compile(
    rf"""\s*(?:
      (?P<neg>-)?"(?P<phrase>[^"]*)"                               # a quoted phrase
    | (?P<neg2>-)?{_JOIN}*?(?P<word>{_WORD}(?:{_JOIN}+{_WORD})*)(?P<star>\*)?{_JOIN}*  # a word
    | (?P<loose>{_JOIN}+)(?=\s|"|$)                                # joiners alone: "&"
    )""",
    re.VERBOSE,
)
_WORDS = re.compile(_WORD)
#: Words in capitals that other search syntaxes read as operators: refused, saying what to write.
_KEYWORDS = {
    "AND": "AND is implied: words side by side must all match",
    "NOT": "exclude with a minus: -word",
    "NEAR": 'NEAR is not part of the syntax; a "phrase" finds words next to each other',
}


@dataclass(frozen=True)
class Term:
    """A word (``words`` of one), a phrase (several in order), or a prefix (one, ``prefix``)."""

    #: The words lower-cased, one character at a time (what the word index holds, in ASCII).
    words: tuple[str, ...]
    prefix: bool = False
    #: The words as typed: each engine folds their case as it folds the text's.
    typed: tuple[str, ...] = ()


@dataclass(frozen=True)
class Clause:
    """The parsed query: every ``must`` group (each an OR of terms) and none of ``must_not``."""

    must: tuple[tuple[Term, ...], ...]
    must_not: tuple[Term, ...]


def _refuse(query: str, why: str) -> InvalidInput:
    return InvalidInput(f"cannot search for {query[:80]!r}: {why}")


#: Letters FTS5 folds and PostgreSQL's lower() keeps: a final sigma to a sigma, the micro
#: sign to mu. SEARCH_WORDS folds them in the text (migration 0008), these in a query.
_FOLDS = str.maketrans("\u03c2\u00b5", "\u03c3\u03bc")


def _fold(word: str) -> str:
    # Per character: str.lower() makes a final capital sigma a final sigma, and a capital
    # dotted I two characters; the engines do neither.
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in word).translate(_FOLDS)


def _term(query: str, text: str, star: bool) -> Term:
    typed = tuple(_WORDS.findall(text))
    if not typed:
        raise _refuse(query, "an empty phrase")
    if star and len(typed) > 1:
        raise _refuse(query, f"a prefix* must be one word, not {text!r}")
    return Term(tuple(_fold(w) for w in typed), star, typed)


_HINT = ' (use words, "phrases", OR, -exclusion and prefix*)'


def _unparsed(query: str, pos: int, after: re.Match[str] | None) -> InvalidInput:
    """Why ``query`` cannot go on at ``pos`` (``after``: the item that ends there)."""
    bad = query[pos:].lstrip()[:1]
    if after is not None and _WORDS.match(bad):
        if after.group("star"):
            return _refuse(query, "a * ends a prefix (as in pian*); it cannot join words")
        return _refuse(query, "put a space after a quoted phrase")
    if bad == '"':
        return _refuse(query, "an unclosed quote")
    return _refuse(query, f"{bad!r} is not part of the syntax" + _HINT)


def parse(query: str) -> Clause:
    """Parse ``query`` in the search syntax (see the module doc); ``InvalidInput`` if it is not."""
    if not isinstance(query, str):
        raise InvalidInput(f"a search query is text, not {type(query).__name__}")
    if len(query) > MAX_QUERY_CHARS:
        raise InvalidInput(f"a search query may hold at most {MAX_QUERY_CHARS} characters")
    items: list[tuple[bool, Term] | None] = []  # None is an OR
    pos = 0
    while pos < len(query):
        if query[pos:].strip() == "":
            break
        rest = query[pos:]
        stripped = rest.lstrip()
        if stripped.startswith("OR") and (len(stripped) == 2 or stripped[2].isspace()):
            items.append(None)
            pos += len(rest) - len(stripped) + 2
            continue
        match = _TOKEN.match(query, pos)
        if match is None or match.end() == pos:
            raise _unparsed(query, pos, None)
        end = match.end()
        if end < len(query) and not query[end].isspace() and query[end] not in '"-':
            raise _unparsed(query, end, match)
        pos = end
        if match.group("loose") is not None:
            continue
        if match.group("phrase") is not None:
            items.append((bool(match.group("neg")), _term(query, match.group("phrase"), False)))
            continue
        word = match.group("word")
        if word in _KEYWORDS and match.group(0).strip() == word:
            raise _refuse(query, _KEYWORDS[word])
        star = bool(match.group("star"))
        items.append((bool(match.group("neg2")), _term(query, word, star)))
    return _clause(query, items)


def _clause(query: str, items: list[tuple[bool, Term] | None]) -> Clause:
    if not items:
        raise _refuse(query, "nothing to search for")
    if sum(item is not None for item in items) > MAX_ITEMS:
        raise _refuse(query, f"more than {MAX_ITEMS} words or phrases")
    if items[0] is None or items[-1] is None:
        raise _refuse(query, "OR needs something on each side")
    must: list[list[Term]] = []
    must_not: list[Term] = []
    joined = False
    for i, item in enumerate(items):
        if item is None:
            if items[i + 1] is None:
                raise _refuse(query, "OR needs something on each side")
            joined = True
            continue
        negated, term = item
        next_is_or = i + 1 < len(items) and items[i + 1] is None
        if negated:
            if joined or next_is_or:
                raise _refuse(query, "an -exclusion cannot be a side of OR")
            must_not.append(term)
        elif joined:
            must[-1].append(term)
        else:
            must.append([term])
        joined = False
    if not must:
        raise _refuse(query, "it only excludes; give at least one word to find")
    return Clause(tuple(tuple(group) for group in must), tuple(must_not))


def _fts5_term(term: Term) -> str:
    # Each word double-quoted: FTS5 then reads no keyword or column filter in it.
    text = '"' + " ".join(term.typed or term.words) + '"'
    return text + "*" if term.prefix else text


def to_fts5(clause: Clause) -> str:
    """The parsed query as an SQLite FTS5 ``MATCH`` expression."""
    groups = [
        "(" + " OR ".join(_fts5_term(t) for t in group) + ")"
        if len(group) > 1
        else _fts5_term(group[0])
        for group in clause.must
    ]
    text = " AND ".join(groups)
    if clause.must_not:
        text = f"({text}) NOT (" + " OR ".join(_fts5_term(t) for t in clause.must_not) + ")"
    return text


def _ts_term(term: Term) -> str:
    # Words are letters and digits only: quoting them cannot be broken out of.
    words = [f"'{w.translate(_FOLDS)}'" for w in term.typed or term.words]
    if term.prefix:
        return words[0] + ":*"
    return "(" + " <-> ".join(words) + ")" if len(words) > 1 else words[0]


def to_tsquery(clause: Clause) -> str:
    """The parsed query as PostgreSQL ``to_tsquery`` text (for the ``simple`` configuration)."""
    groups = ["(" + " | ".join(_ts_term(t) for t in group) + ")" for group in clause.must]
    text = " & ".join(groups)
    for term in clause.must_not:
        text += f" & !{_ts_term(term)}"
    return text


#: The last code point: a prefix's words are those from the prefix to the prefix and this.
_LAST = "\U0010ffff"


def rank_units(clause: Clause) -> tuple[tuple[str, str], ...]:
    """The units a parsed query is ranked by: each a ``(lo, hi)`` range of indexed words.

    A word is the range of itself (a phrase gives each of its words), a
    prefix the range of the words that start with it; excluded items rank
    nothing. In query order, each unit once (docs/search.md#ranking).
    """
    units: list[tuple[str, str]] = []
    for group in clause.must:
        for term in group:
            if term.prefix:
                units.append((term.words[0], term.words[0] + _LAST))
            else:
                units.extend((word, word) for word in term.words)
    return tuple(dict.fromkeys(units))


#: The pairs of words migration 0008 indexes are shorter than this, in bytes.
MAX_PAIR_BYTES = 200


def phrase_pairs(clause: Clause) -> tuple[str, ...]:
    """The adjacent word pairs (``"a b"``) every match of a parsed query holds.

    Those of each phrase that is alone in its group (not a side of an OR),
    of ASCII words only: the engine may case-fold other words otherwise than
    Python does, so it must find those itself; and only pairs shorter than
    ``MAX_PAIR_BYTES``, as the index holds no others.
    """
    pairs: list[str] = []
    for group in clause.must:
        if len(group) == 1:
            words = group[0].words
            pairs.extend(
                f"{a} {b}"
                for a, b in pairwise(words)
                if (a + b).isascii() and len(a) + len(b) + 1 < MAX_PAIR_BYTES
            )
    return tuple(dict.fromkeys(pairs))


def terms_plan(clause: Clause, *, pairs: bool = False) -> tuple[str, dict[str, Any]]:
    """Which search statement ranks a parsed query from a word index, and its parameters.

    ``search_word`` and ``search_prefix`` for a query of one unit: its rows
    in the index are the matches in rank order, so a page is a walk of a page
    of them. ``search`` for any other: the engine finds the matches and each
    is scored from the index. A unit outside ASCII takes ``search``: the
    engine may case-fold it otherwise than Python does, so it must find it.
    With ``pairs`` (the dialect indexes word pairs: ``Dialect.phrase_pairs``),
    ``search`` also takes the query's ``phrase_pairs`` (``None``: none).
    """
    units = rank_units(clause)
    if len(units) == 1 and units[0][0].isascii():
        lo, hi = units[0]
        return (
            ("search_word", {"term": lo}) if lo == hi else ("search_prefix", {"lo": lo, "hi": hi})
        )
    params: dict[str, Any] = {
        "unit_lo": [lo for lo, _ in units],
        "unit_hi": [hi for _, hi in units],
        "single": len(units) == 1,
    }
    if pairs:
        params["pairs"] = list(phrase_pairs(clause)) or None
    return "search", params
