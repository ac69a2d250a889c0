"""Full-text search over a large transcript table: the time of a first page, per query kind."""

from __future__ import annotations

import random
import statistics
import time
from collections.abc import Callable
from typing import Any

import sqlstore
from sqlstore.dao import TranscriptDAO, VideoDAO
from sqlstore.dialects import scratch_database
from sqlstore.models import VideoCreate
from sqlstore.types import Json, utcnow

#: The target: a search's first page in under this many milliseconds.
TARGET_MS = 50.0
WORDS_PER_TRANSCRIPT = 60
VOCABULARY = 5000
LOAD_BATCH = 5000
REPEAT = 30

#: One query of each kind the syntax has, over the generated vocabulary (w<rank>: the
#: lower the rank, the more transcripts hold the word; Zipf-distributed).
QUERIES = {
    "rare word": "w3000",
    "mid word": "w300",
    "two words": "w200 w400",
    "phrase": '"w10 w11"',
    "prefix": "w123*",
    "OR": "w900 OR w950",
    "exclusion": "w250 -w20",
    "common word": "w5",
    "common phrase": '"w5 w6"',
    "common words": "w5 w6",
}


def _transcripts(n: int, seed: int = 16) -> list[str]:
    rng = random.Random(seed)
    weights = [1 / (rank + 1) for rank in range(VOCABULARY)]
    words = [f"w{rank}" for rank in range(VOCABULARY)]
    return [" ".join(rng.choices(words, weights, k=WORDS_PER_TRANSCRIPT)) for _ in range(n)]


def _load(store: sqlstore.Store, n: int) -> None:
    now = utcnow()
    with store.session() as session:
        VideoDAO(session).save(VideoCreate(media_id="bench"))
    texts = _transcripts(n)
    for start in range(0, n, LOAD_BATCH):
        rows = [
            {
                "model": "whisper",
                "media_id": "bench",
                "transcript": text,
                "segments": Json([]),
                "language": "en",
                "language_confidence": 0.9,
                "now": now,
            }
            for text in texts[start : start + LOAD_BATCH]
        ]
        with store.session() as session:
            session.execute_many("media.transcripts.insert", rows)


def _settle(url: str) -> None:
    """On PostgreSQL, what autovacuum soon does to a freshly loaded table.

    Statistics, and the visibility map that lets the word index be read
    without its table (index-only scans).
    """
    if url.startswith("postgresql"):
        import psycopg

        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("VACUUM (ANALYZE) transcripts, transcript_terms")


def _times_ms(call: Callable[[], Any]) -> list[float]:
    call()  # warm: the first run pays for plans and caches
    times = []
    for _ in range(REPEAT):
        start = time.perf_counter()
        call()
        times.append((time.perf_counter() - start) * 1000)
    return times


def search_latency(
    server_url: str, *, transcripts: int = 100_000, echo: Callable[[str], None] = print
) -> dict[str, Any]:
    """Median and 95th-percentile ms of a first page (20 rows) per query kind."""
    with scratch_database(server_url, "sqlstore_search") as url:
        with sqlstore.connect(url) as store:
            store.migrate()
            started = time.perf_counter()
            _load(store, transcripts)
            took = time.perf_counter() - started
            echo(
                f"  search: {transcripts} transcripts loaded in {took:.0f} s"
                f" ({transcripts / took:.0f} a second, in batches of {LOAD_BATCH})"
            )
            _settle(url)
            results: dict[str, Any] = {}
            with store.session(readonly=True) as session:
                dao = TranscriptDAO(session)
                for kind, query in QUERIES.items():
                    found = len(dao.search(query, limit=10_000).items)
                    times = _times_ms(lambda q=query: dao.search(q, limit=20))
                    row = {
                        "query": query,
                        "matches": found,
                        "median_ms": statistics.median(times),
                        "p95_ms": sorted(times)[int(0.95 * (len(times) - 1))],
                    }
                    results[kind] = row
                    mark = "ok" if row["median_ms"] < TARGET_MS else "OVER"
                    echo(
                        f"  search {kind:12s} {query!r:16s} {found:>6} matches (first 10,000)"
                        f"  median {row['median_ms']:7.2f} ms  p95 {row['p95_ms']:7.2f} ms  {mark}"
                    )
    return {
        "transcripts": transcripts,
        "load_per_second": transcripts / took,
        "target_ms": TARGET_MS,
        "queries": results,
    }
