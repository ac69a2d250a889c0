"""The search reference: what the query syntax matches and how transcripts rank, in Python.

Both dialects must give exactly this (docs/search.md), so they agree with each other.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable

from sqlstore import Session
from sqlstore.dao import TranscriptDAO, VideoDAO
from sqlstore.models import Transcript, TranscriptCreate, VideoCreate
from sqlstore.results import Page
from sqlstore.search import Clause, Term, parse, rank_units

# What the engines fold beyond lower case: a final sigma, the micro sign.
_FOLDS = str.maketrans("\u03c2\u00b5", "\u03c3\u03bc")


def words_of(text: str) -> list[str]:
    """The words of a text as the syntax reads them: runs of letters and digits, folded.

    Lower-cased one character at a time, as the engines do (no final sigma from
    a capital, and a capital dotted I, which lower-cases to two, kept).
    """
    return [
        "".join(c.lower() if len(c.lower()) == 1 else c for c in w).translate(_FOLDS)
        for w in re.findall(r"[^\W_]+", text)
    ]


def has(tokens: list[str], term: Term) -> bool:
    """The reference: what the syntax says a term matches."""
    if term.prefix:
        return any(t.startswith(term.words[0]) for t in tokens)
    n = len(term.words)
    return any(tuple(tokens[i : i + n]) == term.words for i in range(len(tokens) - n + 1))


def matches(clause: Clause, text: str) -> bool:
    """Whether ``text`` matches the parsed query."""
    tokens = words_of(text)
    return all(any(has(tokens, t) for t in group) for group in clause.must) and not any(
        has(tokens, t) for t in clause.must_not
    )


def all_pages(search: Callable[..., Page[Transcript]], query: str) -> list[Transcript]:
    """Every page of a search, by cursor."""
    found: list[Transcript] = []
    page = search(query, limit=97)
    while True:
        found.extend(page.items)
        if page.next is None:
            return found
        page = search(query, limit=97, after=page.next)


def save_transcripts(session: Session, docs: list[str]) -> None:
    """One transcript per text, ids 1, 2, ... in order."""
    VideoDAO(session).save(VideoCreate(media_id="corpus"))
    dao = TranscriptDAO(session)
    for doc in docs:
        dao.save(
            TranscriptCreate(
                model="whisper",
                media_id="corpus",
                transcript=doc,
                language="en",
                language_confidence=0.9,
            )
        )


# The ranking of transcripts, as docs/search.md#ranking defines it.
DF_CAP = 10_000


def saturation(tf: int, length: int) -> float:
    """BM25's saturation of a count, at a length against 100 words, times 10**6, rounded."""
    return float(math.floor(tf * 2.2 / (tf + 1.2 * (0.25 + 0.75 * length / 100.0)) * 1e6 + 0.5))


def reference_order(docs: list[str], query: str) -> list[int]:
    """The ids of the matches of ``query`` (ids 1, 2, ...), best first."""
    clause = parse(query)
    tokens = {i + 1: words_of(doc) for i, doc in enumerate(docs)}
    units = rank_units(clause)

    def inside(word: str, unit: tuple[str, str]) -> bool:
        return unit[0] <= word <= unit[1]

    scores = {}
    for doc_id, words in tokens.items():
        if not matches(clause, docs[doc_id - 1]):
            continue
        score = 0
        for unit in units:
            df = min(DF_CAP, sum(len({w for w in ws if inside(w, unit)}) for ws in tokens.values()))
            idf = 1.0 if len(units) == 1 else math.log(1 + (10000.0 - df + 0.5) / (df + 0.5))
            tf = sum(1 for w in words if inside(w, unit))
            if tf:
                score += math.floor(idf * saturation(tf, len(words)) + 0.5)
        scores[doc_id] = -score
    return sorted(scores, key=lambda i: (scores[i], i))
