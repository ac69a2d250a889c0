"""sqlstore alone on a large table: streaming in bounded memory, and deep pages."""

from __future__ import annotations

import gc
import time
import tracemalloc
from collections.abc import Callable
from typing import Any

import sqlstore
from bench.common import PAGE, Sizes, generations, measure
from sqlstore.dao import GenerationDAO
from sqlstore.dialects import scratch_database
from sqlstore.models import Generation

PAGE_ROWS = 100
REPEAT = 20


def _traced_peak(call: Callable[[], Any]) -> float:
    """The most memory Python allocated while ``call`` ran (MiB; tracemalloc, so slower)."""
    gc.collect()
    tracemalloc.start()
    try:
        call()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak / 2**20


def _mean_ms(call: Callable[[], Any]) -> float:
    call()  # warm: the first run pays for plans and caches
    start = time.perf_counter()
    for _ in range(REPEAT):
        call()
    return (time.perf_counter() - start) / REPEAT * 1000


def run_extras(
    server_url: str, sizes: Sizes, echo: Callable[[str], None] = print
) -> dict[str, Any]:
    """Load ``sizes.stream`` rows, then stream them, list them whole and page deep."""
    out: dict[str, Any] = {"rows": sizes.stream}
    with scratch_database(server_url, "sqlstore_bench") as url, sqlstore.connect(url) as store:
        store.migrate()
        chunk = 20_000
        for start in range(0, sizes.stream, chunk):
            news = generations(min(chunk, sizes.stream - start), seed=1000 + start)
            with store.session() as session:
                GenerationDAO(session).create_many(news)
            del news
        depth = max(1, sizes.stream - 2 * PAGE_ROWS)
        deep: list[Generation] = []

        def stream() -> int:
            n = 0
            with store.session(readonly=True) as session:
                for g in GenerationDAO(session).iter_all(batch_size=1000):
                    n += 1
                    if n == depth:
                        deep[:] = [g]
            return n

        def whole() -> int:
            with store.session(readonly=True) as session:
                rows = list(GenerationDAO(session).iter_all(batch_size=PAGE))
            return len(rows)

        for name, call in (("stream", stream), ("list_all", whole)):
            timed = measure(call)
            assert timed.result == sizes.stream, (name, timed.result)
            out[name] = {"seconds": timed.seconds, "traced_peak_mib": _traced_peak(call)}
            echo(
                f"  {name:14s} {sizes.stream} rows {timed.seconds:8.3f} s, "
                f"peak {out[name]['traced_peak_mib']:.1f} MiB"
            )
        after = deep[0]
        with store.session(readonly=True) as session:
            dao = GenerationDAO(session)
            keyset = dao.list(limit=PAGE_ROWS, after=after)
            offset = dao.list(limit=PAGE_ROWS, offset=depth)
            expected = min(PAGE_ROWS, sizes.stream - depth)
            out["keyset_equals_offset"] = keyset == offset and len(keyset) == expected
            out["depth"] = depth
            out["first_page_ms"] = _mean_ms(lambda: dao.list(limit=PAGE_ROWS))
            out["deep_keyset_ms"] = _mean_ms(lambda: dao.list(limit=PAGE_ROWS, after=after))
            out["deep_offset_ms"] = _mean_ms(lambda: dao.list(limit=PAGE_ROWS, offset=depth))
        echo(
            f"  pages of {PAGE_ROWS}: first {out['first_page_ms']:.2f} ms, "
            f"keyset at row {depth} {out['deep_keyset_ms']:.2f} ms, "
            f"offset {depth} {out['deep_offset_ms']:.2f} ms"
        )
    return out
