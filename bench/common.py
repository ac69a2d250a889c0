"""What every workload shares: sizes, generated input, timing and memory."""

from __future__ import annotations

import gc
import os
import random
import resource
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, fields
from typing import Any

from sqlstore.models import GenerationCreate

#: The operations, in the order they run (each one sees what the earlier ones left).
OPERATIONS = (
    "insert",
    "insert_bulk",
    "get",
    "list",
    "update_status",
    "track_usage",
    "claim_one",
    "claim",
)

LABELS = {
    "insert": "insert, one tx",
    "insert_bulk": "insert, bulk",
    "get": "get by id",
    "list": "list by status",
    "update_status": "update status",
    "track_usage": "prompt upsert",
    "claim_one": "claim tasks x1",
    "claim": "claim tasks x10",
}

#: The bare driver first: every ratio is against it.
IMPLEMENTATIONS = ("driver", "sqlstore", "sqlalchemy", "sqlmodel")

#: The page a list call returns at most (sqlstore's MAX_PAGE); lists page by keyset.
PAGE = 10_000
CLAIM_BATCH = 10


@dataclass(frozen=True)
class Sizes:
    """How many rows each operation handles."""

    insert: int = 20_000
    insert_bulk: int = 20_000
    get: int = 5_000
    list: int = 20_000
    update_status: int = 5_000
    track_usage: int = 5_000
    claim_one: int = 2_000
    claim: int = 5_000
    stream: int = 100_000

    @classmethod
    def scaled(cls, scale: float) -> Sizes:
        """Every size times ``scale`` (at least 20 rows, claims a whole number of batches)."""
        values = {f.name: max(20, round(getattr(cls(), f.name) * scale)) for f in fields(cls)}
        values["claim"] = max(CLAIM_BATCH, values["claim"] // CLAIM_BATCH * CLAIM_BATCH)
        values["list"] = min(values["list"], values["insert"] + values["insert_bulk"])
        values["get"] = min(values["get"], values["insert"])
        values["update_status"] = min(values["update_status"], values["insert"])
        return cls(**values)

    def rows(self, operation: str) -> int:
        """The rows an operation handles."""
        return int(getattr(self, operation))


PROMPT_POOL = 200


def prompt_text(i: int) -> str:
    """One of a pool of realistic prompt texts (the pool repeats, as real prompts do)."""
    styles = ("lofi hip hop", "ambient pads", "drum and bass", "orchestral", "synthwave")
    return f"{styles[i % len(styles)]} track {i} at {80 + i % 90} BPM, warm and wide"


def generations(n: int, seed: int) -> list[GenerationCreate]:
    """``n`` valid generation jobs, the same for every implementation."""
    rng = random.Random(seed)
    out = []
    for i in range(n):
        k = rng.randrange(PROMPT_POOL)
        out.append(
            GenerationCreate(
                id=uuid.UUID(int=rng.getrandbits(128), version=4),
                prompt=prompt_text(k),
                model_name=("musicgen-small", "musicgen-medium", "musicgen-large")[i % 3],
                model_version="1.0" if i % 2 else None,
                duration_seconds=round(rng.uniform(5, 60), 3),
                sample_rate=32_000,
                channels=1 + i % 2,
                file_path=f"outputs/gen_{seed}_{i}.wav",
                metadata={"bpm": 80 + k % 90, "key": "Cm", "tags": ["bench", str(k % 7)]},
            )
        )
    return out


@dataclass
class Inputs:
    """What the operations are given; built once, before anything is timed."""

    first: list[GenerationCreate]
    bulk: list[GenerationCreate]
    get_ids: list[uuid.UUID]
    update_ids: list[uuid.UUID]
    texts: list[str]
    list_rows: int

    @classmethod
    def build(cls, sizes: Sizes, seed: int = 6) -> Inputs:
        """Deterministic input for ``sizes``."""
        first = generations(sizes.insert, seed)
        bulk = generations(sizes.insert_bulk, seed + 1)
        rng = random.Random(seed)
        everyone = [g.id for g in first + bulk]
        get_ids = rng.sample(everyone, min(sizes.get, len(everyone)))
        update_ids = [g.id for g in first[: sizes.update_status]]
        # Half the usages are prompts already known, half are new ones.
        texts = [
            prompt_text(rng.randrange(PROMPT_POOL)) if i % 2 else f"new prompt {i // 2} for bench"
            for i in range(sizes.track_usage)
        ]
        return cls(first, bulk, get_ids, update_ids, texts, sizes.list)


# --- timing and memory ----------------------------------------------------


def _status_kib(field: str) -> int | None:
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def _reset_peak() -> bool:
    """Reset the kernel's peak-RSS mark (Linux); False where that cannot be done."""
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as f:
            f.write("5")
    except OSError:
        return False
    return True


@dataclass
class Measure:
    """One timed call: wall seconds, process CPU seconds, and its peak memory (MiB)."""

    seconds: float
    cpu: float
    peak_mib: float | None
    result: Any = None
    #: Set when only this many rows were run and the seconds scaled up to the full size.
    rows: int | None = None


def measure(call: Callable[[], Any]) -> Measure:
    """Time ``call`` once, wall and process CPU; its peak memory is the resident-set growth.

    CPU time (every thread of this process: the client's own work) is what a
    busy shared machine disturbs least; wall time adds the server's work and
    the waits.

    The kernel's peak mark is reset first, so the figure is this call's own
    peak above what the process held when it began (tracemalloc would slow the
    call down several times and distort the ratios).
    """
    gc.collect()
    exact = _reset_peak()
    before = _status_kib("VmRSS")
    cpu_start = time.process_time_ns()
    start = time.perf_counter_ns()
    result = call()
    seconds = (time.perf_counter_ns() - start) / 1e9
    cpu = (time.process_time_ns() - cpu_start) / 1e9
    peak: float | None = None
    if exact and before is not None:
        hwm = _status_kib("VmHWM")
        peak = None if hwm is None else max(0.0, (hwm - before) / 1024)
    elif os.name == "posix":
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return Measure(seconds, cpu, peak, result)
