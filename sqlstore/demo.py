"""The short example ``make run`` runs: a generation lifecycle and prompt analytics."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlstore.dao import GenerationDAO, PromptDAO
from sqlstore.models import GenerationCreate
from sqlstore.store import Store

__all__ = ["run_demo"]


def run_demo(store: Store, say: Callable[[str], None] = print) -> None:
    """Migrate, then walk three jobs through their lifecycle, printing what happens."""
    applied = store.migrate()
    say(f"database: {store.url}")
    say(f"migrations applied: {', '.join(applied) if applied else 'none (already up to date)'}")
    jobs: list[tuple[str, str, dict[str, Any]]] = [
        ("trap beat 140 BPM", "musicgen-small", {"bpm": 140}),
        ("ambient pads in D minor", "musicgen-medium", {"key": "Dm"}),
        ("trap beat 140 BPM", "musicgen-small", {"bpm": 140, "take": 2}),
    ]
    with store.session() as session:
        gens, prompts = GenerationDAO(session), PromptDAO(session)
        created = []
        for prompt, model, metadata in jobs:
            gen = gens.create(
                GenerationCreate(
                    prompt=prompt,
                    model_name=model,
                    duration_seconds=16.0,
                    sample_rate=32000,
                    channels=2,
                    file_path=f"outputs/{model}.wav",
                    metadata=metadata,
                )
            )
            created.append(gen)
            say(f"created   {gen.id}  {gen.status:<10}  {prompt!r}")
        first, second, third = created
        say(f"processing {gens.mark_processing(first.id).id}")
        done = gens.complete(
            first.id, generation_time=18.5, file_size_bytes=5_242_880, metadata={"key": "Cm"}
        )
        say(f"completed {done.id}  in {done.generation_time_seconds}s, metadata {done.metadata}")
        failed = gens.fail(second.id, "CUDA out of memory")
        say(f"failed    {failed.id}  {failed.error_message!r}")
        say(f"pending   {[str(g.id) for g in gens.pending()]}")
        say(f"stats     {gens.stats()}")
        for top in prompts.most_used(3):
            say(f"prompt    {top.used_count} x {top.text!r}")
        del third
