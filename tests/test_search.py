"""Full-text search: syntax, matching, ranking and paging on a corpus, triggers, migration."""

from __future__ import annotations

import random

import pytest

from sqlstore import Store, connect
from sqlstore.dao import GenerationDAO, PromptDAO, TranscriptDAO, VideoDAO
from sqlstore.errors import InvalidInput
from sqlstore.models import TranscriptUpdate
from sqlstore.search import parse
from tests.factories import new_generation
from tests.helpers import builtin_migrations
from tests.search_reference import (
    all_pages,
    matches,
    reference_order,
    save_transcripts,
    words_of,
)

pytestmark = pytest.mark.both_apis

_WORDS = (
    "beat drums piano jazz guitar bass vocal loop synth ambient chill groove tempo rhythm "
    "melody harmony chord minor major echo night city rain summer dance house techno trap "
    "soul funk blues rock metal folk violin cello flute organ choir whistle hum"
)
VOCABULARY = _WORDS.split()
TARGET = "zephyr"  # the ranking word: in no document but as planted
DOC_WORDS = 12  # every document the same length: rank then follows the target's count


def _corpus(n: int = 1000) -> list[str]:
    rng = random.Random(16)
    docs = []
    for i in range(n):
        words = [rng.choice(VOCABULARY) for _ in range(DOC_WORDS)]
        for slot in rng.sample(range(DOC_WORDS), i % 4):  # 0 to 3 occurrences
            words[slot] = TARGET
        docs.append(" ".join(words))
    return docs


QUERIES = [
    "jazz",
    "jazz piano",
    '"jazz piano"',
    "jazz OR blues",
    "jazz OR blues techno",
    "jazz -piano",
    'rain -"night city"',
    "gr*",
    "ch* -chill",
    "JAZZ Piano",
    f"{TARGET} OR flute",
]


def test_matching_ranking_and_paging_agree_with_the_syntax_on_1000_documents(
    store: Store,
) -> None:
    docs = _corpus()
    with store.session() as session:
        save_transcripts(session, docs)
    with store.session(readonly=True) as session:
        dao = TranscriptDAO(session)
        for query in QUERIES:
            clause = parse(query)
            expected = {i + 1 for i, doc in enumerate(docs) if matches(clause, doc)}
            found = all_pages(dao.search, query)
            ids = [t.id for t in found]
            assert len(ids) == len(set(ids)), query  # no row on two pages
            assert set(ids) == expected, query
            assert expected, query  # each query finds something in the corpus
        # Ranking: equal lengths, so more occurrences of the word rank higher on
        # both dialects; ties (same count) go by id. So the order is known exactly.
        ranked = [t.id for t in all_pages(dao.search, TARGET)]
        counts = {i + 1: words_of(doc).count(TARGET) for i, doc in enumerate(docs)}
        assert ranked == sorted((i for i in counts if counts[i]), key=lambda i: (-counts[i], i))
        assert len(ranked) == 750


def test_a_shorter_document_ranks_higher_for_the_same_count(store: Store) -> None:
    with store.session() as session:
        save_transcripts(
            session,
            [
                "rain " + "hum " * 40,
                "rain over the city",
                "rain rain rain over the city",
                "no match here",
            ],
        )
        found = TranscriptDAO(session).search("rain").items
    assert [t.transcript.split()[:2] for t in found] == [
        ["rain", "rain"],
        ["rain", "over"],
        ["rain", "hum"],
    ]


def test_prompts_and_generations_are_searched_as_models(store: Store) -> None:
    prompts = ["hip hop beat at 140 BPM", "lofi hip hop study", "jazz piano trio", "Hip-hop drums"]
    with store.session() as session:
        gens = GenerationDAO(session)
        made = [gens.create(new_generation(prompt=p)) for p in prompts]
        gens.create(new_generation(prompt=prompts[0]))  # the same prompt twice: one prompt row
    with store.session() as session:
        found = PromptDAO(session).search('"hip hop"')
        assert sorted(p.text for p in found.items) == sorted([prompts[0], prompts[1], prompts[3]])
        assert found.next is None
        assert [p.text for p in PromptDAO(session).search("piano OR trio").items] == [prompts[2]]
        hits = GenerationDAO(session).search("hip -lofi", limit=1)
        assert len(hits.items) == 1 and hits.next is not None
        rest = GenerationDAO(session).search("hip -lofi", limit=10, after=hits.next)
        got = [g.prompt for g in hits.items + rest.items]
        assert sorted(got) == sorted([prompts[0], prompts[0], prompts[3]])
        assert {g.id for g in hits.items + rest.items} >= {made[0].id, made[3].id}


def test_the_indexes_follow_inserts_updates_and_deletes(store: Store) -> None:
    with store.session() as session:
        gens = GenerationDAO(session)
        gen = gens.create(new_generation(prompt="violin sonata"))
        save_transcripts(session, ["a violin in the rain"])
        PromptDAO(session).track_usage("violin sonata")  # an update of the count only
    with store.session() as session:
        assert [p.used_count for p in PromptDAO(session).search("violin").items] == [2]
        assert [g.id for g in GenerationDAO(session).search("sonata").items] == [gen.id]
        assert len(TranscriptDAO(session).search("violin").items) == 1
        assert GenerationDAO(session).delete(gen.id)
        assert VideoDAO(session).delete("corpus")  # its transcripts go with it (cascade)
    with store.session() as session:
        assert GenerationDAO(session).search("sonata").items == []
        assert TranscriptDAO(session).search("violin").items == []
        GenerationDAO(session).rebuild_search()
        assert GenerationDAO(session).search("sonata").items == []


@pytest.mark.parametrize(
    "query",
    [
        "",
        "   ",
        "(jazz)",
        "jazz:piano",
        "-jazz",
        "jazz OR",
        "OR jazz",
        "jazz OR -piano",
        '"jazz',
        "NEAR(jazz piano)",
        "*",
        "ja*zz",
        "jazz^2",
        '""',
        "x" * 501,
    ],
)
def test_a_query_outside_the_syntax_is_refused_before_it_is_sent(store: Store, query: str) -> None:
    with store.session() as session:
        for search in (
            TranscriptDAO(session).search,
            PromptDAO(session).search,
            GenerationDAO(session).search,
        ):
            with pytest.raises(InvalidInput, match="search"):
                search(query)
        # The session goes on: nothing reached the database.
        assert PromptDAO(session).search("jazz").items == []


def test_a_bad_cursor_or_limit_is_refused(store: Store) -> None:
    with store.session() as session:
        GenerationDAO(session).create(new_generation(prompt="jazz one"))
        GenerationDAO(session).create(new_generation(prompt="jazz two"))
        page = GenerationDAO(session).search("jazz", limit=1)
        assert page.next is not None
        for bad in ("nonsense!", "e30", page.next[:-3]):
            with pytest.raises(InvalidInput, match="cursor"):
                GenerationDAO(session).search("jazz", after=bad)
        with pytest.raises(InvalidInput, match="cursor"):  # a generation's cursor, for prompts
            PromptDAO(session).search("jazz", after=page.next)
        for limit in (0, 10_001, True):
            with pytest.raises(InvalidInput, match="limit"):
                PromptDAO(session).search("jazz", limit=limit)


def test_the_migration_indexes_the_rows_already_there(sqlstore_blank_url: str) -> None:
    with connect(sqlstore_blank_url) as store:
        store.migrate()
        name = store.dialect.name
        since = builtin_migrations(name)
        since = since[since.index(f"0006_search.{name}") :]
        assert store.rollback(len(since)) == since[::-1]  # the version before search
        with store.session() as session:
            GenerationDAO(session).create(new_generation(prompt="old cello suite"))
            save_transcripts(session, ["an old cello in the hall"])
        assert store.migrate() == since
        with store.session() as session:
            assert [p.text for p in PromptDAO(session).search("cello").items] == ["old cello suite"]
            assert len(GenerationDAO(session).search("cello suite").items) == 1
            assert len(TranscriptDAO(session).search('"old cello"').items) == 1
            # One word: its rows in transcript_terms, which the migration filled.
            assert len(TranscriptDAO(session).search("cello").items) == 1
            assert len(TranscriptDAO(session).search("cel* -hall").items) == 0


RANKED_QUERIES = [
    "jazz",  # one word: read from transcript_terms in rank order
    "ja*",  # one prefix
    f"{TARGET} -piano",  # one word and an exclusion
    "ch* -chill",
    "jazz piano",  # several units: scored match by match
    '"jazz piano"',
    f"jazz OR {TARGET}",
    f"piano OR ch* {TARGET}",
    'rain -"night city"',
]


def _varied_corpus(n: int = 400) -> list[str]:
    rng = random.Random(1616)
    docs = []
    for _ in range(n):
        words = [rng.choice(VOCABULARY) for _ in range(rng.randint(3, 40))]
        for slot in rng.sample(range(len(words)), min(len(words), rng.choice([0, 0, 1, 2, 5]))):
            words[slot] = TARGET
        docs.append(" ".join(words))
    return docs


def test_transcripts_rank_as_the_definition_says_on_both_dialects(store: Store) -> None:
    docs = _varied_corpus()
    with store.session() as session:
        save_transcripts(session, docs)
    with store.session(readonly=True) as session:
        dao = TranscriptDAO(session)
        for query in RANKED_QUERIES:
            expected = reference_order(docs, query)
            assert expected, query
            assert [t.id for t in all_pages(dao.search, query)] == expected, query
            first = dao.search(query, limit=7)  # a small page, then the rest by cursor
            rest = [t.id for t in first.items]
            while first.next is not None:
                first = dao.search(query, limit=7, after=first.next)
                rest += [t.id for t in first.items]
            assert rest == expected, query


def test_a_common_word_ranks_by_count_and_length_not_by_id(store: Store) -> None:
    # In every transcript, so the first page is the top of its rows in rank order.
    docs = [f"jazz {'beat ' * (i % 7)}{'jazz ' * (i % 3)}" for i in range(60)]
    with store.session() as session:
        save_transcripts(session, docs)
    with store.session(readonly=True) as session:
        found = [t.id for t in TranscriptDAO(session).search("jazz", limit=10).items]
    assert found == reference_order(docs, "jazz")[:10]
    assert docs[found[0] - 1].split() == ["jazz"] * 3  # the most occurrences, fewest words


def test_the_word_index_follows_updates_and_deletes_of_transcripts(store: Store) -> None:
    with store.session() as session:
        save_transcripts(session, ["rain over the city", "rain rain"])
        dao = TranscriptDAO(session)
        found = [t.transcript for t in dao.search("rain").items]
        assert found == ["rain rain", "rain over the city"]
        dao.update(2, TranscriptUpdate(transcript="snow"))
        assert [t.id for t in dao.search("rain").items] == [1]
        assert [t.id for t in dao.search("sn*").items] == [2]
        assert dao.delete(1)
        assert dao.search("rain").items == [] and dao.search("city OR snow").items[0].id == 2
