"""Parity: the parity machine of ``tests/test_parity.py``, with many more random sequences.

Each sequence opens sessions on SQLite and PostgreSQL side by side, makes the
same DAO calls (refused ones caught), savepoints, commits, rollbacks and
calls on ended sessions, and checks after every step that both dialects agree
on results, error classes and every row, and that every acknowledged write is
there (see ``stress/parity_machine.py``). On a failure hypothesis shrinks it to
the shortest sequence it can find, printed here.
"""

from __future__ import annotations

import time

from stress.common import DIALECTS, Run
from stress.parity_machine import failures, run_parity

#: Random sequences, and the most steps in each.
EXAMPLES = 300
STEPS = 30


def run(ctx: Run) -> None:
    """Run the machine on a migrated store of each dialect."""
    if set(DIALECTS) - set(ctx.options.dialects):
        ctx.say("   (skipped: parity needs both dialects)")
        return
    with ctx.migrated("sqlite") as (_, sqlite), ctx.migrated("postgresql") as (_, postgresql):
        started = time.monotonic()
        try:
            # No example database: each stress run draws new sequences.
            run_parity(sqlite, postgresql, examples=EXAMPLES, steps=STEPS, database=None)
        except Exception as exc:
            found = failures(exc)
            for message, sequence in found:
                ctx.say(f"   FAILED {message}\n{sequence}")
            ok, detail = False, "; ".join(message for message, _ in found)[:600]
        else:
            ok, detail = True, f"{time.monotonic() - started:.0f} s"
        ctx.check(
            f"{EXAMPLES} random sequences of up to {STEPS} steps: the same results, errors "
            "and rows on both dialects, every acknowledged write kept",
            ok,
            detail,
        )
