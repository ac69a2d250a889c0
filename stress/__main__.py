"""``python -m stress`` (``make stress``): run the scenarios, print the figures.

Exits 1 if any check failed.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import sys
import time

from stress.common import DEFAULT_SERVER, DIALECTS, Options, Run

#: Scenario modules, in the order they run; each has ``run(ctx)``.
SCENARIOS = {
    "writers": "stress.writers",
    "claiming": "stress.claiming",
    "aio": "stress.aio_claiming",
    "kill": "stress.kill",
    "migrate": "stress.migrate_race",
    "reconnect": "stress.reconnect",
    "hostile": "stress.hostile",
    "parity": "stress.parity",
    "copy": "stress.copy_resume",
}

TITLES = {
    "writers": "Concurrent writers on SQLite",
    "claiming": "Concurrent task claiming",
    "aio": "500 coroutines on one async pool claim 20,000 tasks",
    "kill": "SIGKILL in the middle of a batch insert",
    "migrate": "Concurrent migrate, migrate killed at random instants, dead lock holders",
    "reconnect": "PostgreSQL connections terminated under a running app",
    "hostile": "Hostile input through the DAOs",
    "parity": "The same random calls on SQLite and PostgreSQL side by side",
    "copy": "sqlstore copy of 100,000 generations, killed and resumed",
}


def parse(argv: list[str]) -> Options:
    """Options from the command line."""
    parser = argparse.ArgumentParser(prog="python -m stress", description=__doc__)
    parser.add_argument(
        "--only",
        action="append",
        choices=sorted(SCENARIOS),
        default=[],
        help="run only this scenario (repeatable)",
    )
    parser.add_argument("--dialect", action="append", choices=DIALECTS, default=[])
    parser.add_argument(
        "--server",
        default=os.environ.get("SQLSTORE_TEST_POSTGRES_URL") or DEFAULT_SERVER,
        help="PostgreSQL server for scratch databases (default: $SQLSTORE_TEST_POSTGRES_URL "
        f"or {DEFAULT_SERVER})",
    )
    defaults = Options()
    for name, help_text in (
        ("writers", "concurrent SQLite writer processes"),
        ("rows", "generations each writer inserts"),
        ("workers", "task-claiming worker processes"),
        ("tasks", "tasks to drain, per dialect"),
        ("claim_limit", "tasks a worker claims at a time"),
        ("kills", "processes killed mid-batch, per dialect"),
        ("batch", "generations in the batch that gets killed"),
        ("rounds", "concurrent migrate rounds, per dialect"),
        ("migrate_kills", "migrate processes SIGKILLed at random instants, per dialect"),
        ("faults", "times every connection of the running app is terminated"),
        ("coroutines", "coroutines claiming through one async pool of 10"),
        ("aio_tasks", "tasks they claim (a tenth more under a per-user limit), per dialect"),
        ("copy_rows", "generations in the SQLite file that sqlstore copy moves"),
    ):
        parser.add_argument(
            f"--{name.replace('_', '-')}", type=int, default=getattr(defaults, name), help=help_text
        )
    args = parser.parse_args(argv)
    return Options(
        only=args.only,
        dialects=tuple(args.dialect) or DIALECTS,
        server=args.server,
        writers=args.writers,
        rows=args.rows,
        workers=args.workers,
        tasks=args.tasks,
        claim_limit=args.claim_limit,
        kills=args.kills,
        batch=args.batch,
        rounds=args.rounds,
        migrate_kills=args.migrate_kills,
        faults=args.faults,
        coroutines=args.coroutines,
        aio_tasks=args.aio_tasks,
        copy_rows=args.copy_rows,
    )


def main(argv: list[str]) -> int:
    """Run the chosen scenarios; 0 if every check held."""
    options = parse(argv)
    # The pool warns of every connection the fault scenarios kill: expected here.
    logging.getLogger("psycopg.pool").setLevel(logging.ERROR)
    ctx = Run(options)
    started = time.monotonic()
    try:
        for name, module in SCENARIOS.items():
            if options.only and name not in options.only:
                continue
            ctx.scenario = name
            ctx.say(f"\n== {TITLES[name]}")
            began = time.monotonic()
            try:
                importlib.import_module(module).run(ctx)
            except Exception as exc:
                ctx.check("scenario ran to the end", False, f"{type(exc).__name__}: {exc}")
            ctx.say(f"   ({time.monotonic() - began:.1f} s)")
    finally:
        ctx.close()
    figures = ctx.figures
    failed = ctx.failed
    ctx.say(
        f"\n== {len(ctx.checks) - len(failed)} checks passed, {len(failed)} failed "
        f"in {time.monotonic() - started:.0f} s\n"
        f"   rows written      {figures.rows_written:>8,}\n"
        f"   tasks claimed     {figures.tasks_claimed:>8,}\n"
        f"   faults survived   {figures.faults_survived:>8,}\n"
        f"   bad inputs tried  {figures.bad_inputs_tried:>8,}"
    )
    for check in failed:
        ctx.say(f"   FAILED [{check.scenario}] {check.name}: {check.detail}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
