"""Search words and phrases: the same words on both dialects; PostgreSQL's index of word pairs."""

from __future__ import annotations

import random
import re
import sqlite3

import pytest

from sqlstore import Store, connect
from sqlstore.check import explain
from sqlstore.dao import PromptDAO, TranscriptDAO
from sqlstore.errors import InvalidInput, MigrationError
from sqlstore.search import MAX_ITEMS, parse, phrase_pairs, terms_plan
from tests.search_reference import all_pages, matches, reference_order, save_transcripts

pytestmark = pytest.mark.both_apis

# Texts where PostgreSQL's parser, left alone, keeps tokens FTS5 splits:
# compounds, numbers with a point, versions, addresses, paths and URLs.
PUNCTUATED = [
    "chill lo-fi beats all night",
    "pi is 3.14 today",
    "release v1.2 notes",
    "mail me at ann@example.com now",
    "see https://example.com/jazz/piano.html later",
    "snake_case and don't stop",
    "rock—jazz fusion",
    "x hip-hop beat",
    "open path/to/file.txt first",
    "C++ and C# [bracketed] {braced} (paren) ~tilde",
    "café naïve crème",
    "lo fi chill",
    "lo-fi alone",
    "don\u2019t panic, call bob@example.com at 1,000,000 AT&T stores",
    "C++ #tag «quoted» 50% off.",
    "ΟΔΟΣ only upper",
    "İzmir only",
    "5 µs latency",
]

PUNCTUATED_QUERIES = [
    '"chill lo-fi"',
    '"chill lo"',
    "lo-fi",
    "3.14",
    '"is 3"',
    "v1.2",
    '"release v1"',
    '"at ann"',
    "example.com",
    '"example com jazz piano html"',
    '"x hip"',
    "hip-hop",
    "snake_case",
    "don't",
    '"rock jazz"',
    '"path to file txt"',
    '"c and c"',
    '"bracketed braced paren tilde"',
    '"naïve crème"',
    "lo* -beats",
    "3.14 OR v1.2",
    "fi -chill",
    # What a search box gets typed: punctuation joins words, as in the text.
    "don\u2019t",
    "bob@example.com",
    "1,000,000",
    "AT&T",
    "C++ #tag",
    "«quoted»",
    "50% off.",
    "panic & call",
    # Case as each engine folds it: a capital sigma, a final sigma, a dotted I, micro.
    "ΟΔΟΣ",
    "οδος",
    "İzmir",
    "µs",
    "μs",
]


def test_punctuated_text_is_searched_as_the_same_words_on_both_dialects(store: Store) -> None:
    with store.session() as session:
        save_transcripts(session, PUNCTUATED)
    with store.session(readonly=True) as session:
        dao = TranscriptDAO(session)
        for query in PUNCTUATED_QUERIES:
            expected = reference_order(PUNCTUATED, query)
            assert expected, query  # every query finds something here
            assert [t.id for t in all_pages(dao.search, query)] == expected, query


def test_prompts_split_punctuation_as_transcripts_do(store: Store) -> None:
    with store.session() as session:
        prompts = PromptDAO(session)
        for text in PUNCTUATED:
            prompts.track_usage(text)
    with store.session(readonly=True) as session:
        for query in PUNCTUATED_QUERIES:
            expected = {t for t in PUNCTUATED if matches(parse(query), t)}
            found = {p.text for p in PromptDAO(session).search(query, limit=100).items}
            assert found == expected, query


def test_a_transcript_too_large_for_a_tsvector_is_stored_and_searched(store: Store) -> None:
    """PostgreSQL searches the first 250,000 characters: the row itself is never refused."""
    # 600 distinct words of 1,800 letters: 1 MB of words, past a tsvector's limit.
    rng = random.Random(7)
    words = ["".join(rng.choices("abcdefghij", k=1800)) for _ in range(600)]
    text = "needle " + " ".join(words) + " haystack"
    with store.session() as session:
        save_transcripts(session, [text, "needle alone"])
    with store.session(readonly=True) as session:
        dao = TranscriptDAO(session)
        assert [t.id for t in dao.search("needle", limit=10).items] == [2, 1]
        assert dao.get_by_id(1).transcript == text  # stored whole on both dialects


def test_which_phrases_give_pairs() -> None:
    assert phrase_pairs(parse('"a b c" d')) == ("a b", "b c")
    assert phrase_pairs(parse('"a b" OR c')) == ()  # an OR's side need not match
    assert phrase_pairs(parse('x -"a b"')) == ()  # nor an excluded phrase
    assert phrase_pairs(parse("hip-hop beat")) == ("hip hop",)
    assert phrase_pairs(parse('"naïve a b"')) == ("a b",)  # the engine folds other words
    assert phrase_pairs(parse('"a b" "a b c"')) == ("a b", "b c")
    plan, params = terms_plan(parse('"a b"'), pairs=True)
    assert (plan, params["pairs"]) == ("search", ["a b"])
    assert terms_plan(parse("a b"), pairs=True)[1]["pairs"] is None
    assert "pairs" not in terms_plan(parse('"a b"'))[1]


def _phrase_corpus(rng: random.Random) -> list[str]:
    words = ["a", "b", "c", "d", "e", "f"]
    docs = [" ".join(rng.choice(words) for _ in range(rng.randint(1, 30))) for _ in range(300)]
    # PostgreSQL keeps 256 positions of a word, and none past 16,383: the
    # phrase operator and the pairs must agree there too.
    docs.append("a " * 300 + "b a")
    docs.append("c " * 16_390 + "d e")
    docs.append("x-a b-c a.b c@d")
    docs.append(f"{'x' * 150} {'y' * 60} c")  # a pair too long for the index, then one in it
    return docs


@pytest.mark.postgresql_only
def test_the_pair_index_drops_no_match_the_phrase_operator_finds(sqlstore_store: Store) -> None:
    """The search statement finds the same rows with the phrases' pairs as without them."""
    rng = random.Random(88)
    docs = _phrase_corpus(rng)
    with sqlstore_store.session() as session:
        save_transcripts(session, docs)
    queries = ['"a b"', '"b a"', '"c d e"', '"a a b"', '"d e" c', '"a b" -"b c"', '"e f" "f a"']
    queries += [f'"{rng.choice("abcdef")} {rng.choice("abcdef")} c"' for _ in range(20)]
    queries.append(f'"{"x" * 150} {"y" * 60} c"')
    found = 0
    with sqlstore_store.session(readonly=True) as session:
        for query in queries:
            plan, params = terms_plan(parse(query), pairs=True)
            assert plan == "search" and params["pairs"], query
            base = {
                **params,
                "query": sqlstore_store.dialect.search_query(parse(query)),
                "limit": 10_000,
                "after_rank": None,
                "after_id": None,
            }
            by_pairs = session.fetch_all("media.transcripts.search", **base)
            by_words = session.fetch_all("media.transcripts.search", **{**base, "pairs": None})
            assert by_pairs == by_words, query
            # The short texts, where PostgreSQL keeps every position, as the syntax says.
            short = {i + 1 for i, doc in enumerate(docs[:300]) if matches(parse(query), doc)}
            assert {r["id"] for r in by_words if r["id"] <= 300} == short, query
            found += len(by_words)
    assert found > 300  # the queries found rows, long texts included


@pytest.mark.postgresql_only
def test_a_phrase_is_found_through_the_pair_index(sqlstore_store: Store) -> None:
    plan, params = terms_plan(parse('"w10 w11"'), pairs=True)
    params |= {
        "query": sqlstore_store.dialect.search_query(parse('"w10 w11"')),
        "limit": 21,
        "after_rank": None,
        "after_id": None,
    }
    lines = "\n".join(explain(sqlstore_store, f"media.transcripts.{plan}", params))
    assert "ix_transcripts_pairs" in lines
    assert "ix_transcripts_search" not in lines  # the words' index is not read


def test_search_box_punctuation_joins_words_and_operator_words_are_refused() -> None:
    def words(query: str) -> list[list[tuple[str, ...]]]:
        return [[term.words for term in group] for group in parse(query).must]

    assert words("don\u2019t") == words("don't") == words('"don t"') == [[("don", "t")]]
    assert words("bob@example.com") == [[("bob", "example", "com")]]
    assert words("C++ #tag hip.") == words("c tag hip")
    assert len(words("rock and roll")) == 3  # a lower-case "and" is a word
    assert words("rock & roll") == words("rock roll")  # a joiner alone joins nothing
    assert parse("-#x y").must_not[0].words == ("x",)
    for query, why in [
        ("hip AND hop", "AND is implied"),
        ("NOT hop", "exclude with a minus"),
        ("a NEAR b", "NEAR is not part of the syntax"),
        ("hip*hop", "a * ends a prefix"),
        ('"hip"hop', "put a space after a quoted phrase"),
        ("(jazz)", "'(' is not part of the syntax"),
        ("10:30", "':' is not part of the syntax"),
    ]:
        with pytest.raises(InvalidInput, match=re.escape(why)):
            parse(query)
    # The limit counts words and phrases, not the ORs between them.
    assert len(parse(" OR ".join(["w"] * MAX_ITEMS)).must[0]) == MAX_ITEMS
    with pytest.raises(InvalidInput, match=f"more than {MAX_ITEMS} words"):
        parse(" OR ".join(["w"] * (MAX_ITEMS + 1)))


def test_a_pair_too_long_for_the_index_is_left_to_the_words_index() -> None:
    long = "a" * 150
    assert phrase_pairs(parse(f'"{long} b c"')) == (f"{long} b", "b c")
    assert phrase_pairs(parse(f'"{long} {long[:48]}"')) == (f"{long} {long[:48]}",)  # 199 bytes
    assert phrase_pairs(parse(f'"{long} {long[:49]} c"')) == (f"{long[:49]} c",)  # 200: not


@pytest.mark.sqlite_only
def test_sqlites_0008_rollback_refuses_an_index_that_disagrees_with_its_table(
    sqlstore_blank_url: str,
) -> None:
    """Its rollback is FTS5's integrity-check: on a damaged index it fails, and keeps every row."""
    with connect(sqlstore_blank_url) as store:
        store.migrate()
        with store.session() as session:
            save_transcripts(session, ["jazz piano night"])
        path = store.settings.url.database
    with sqlite3.connect(path) as raw:  # an index row with no transcript behind it
        raw.execute("INSERT INTO transcripts_fts (rowid, transcript) VALUES (99, 'ghost')")
    with connect(sqlstore_blank_url) as store:
        with pytest.raises(MigrationError, match="0008_search_phrases"):
            store.rollback(1)
        assert [s.id for s in store.migration_status() if s.applied][-1].startswith("0008")
        with store.session(readonly=True) as session:
            assert TranscriptDAO(session).get_by_id(1).transcript == "jazz piano night"
