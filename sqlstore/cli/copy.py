"""``copy``: move a whole database (an app's SQLite file) into PostgreSQL."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import click

from sqlstore.cli._app import cli, options
from sqlstore.copy import CopyReport, Mode, Progress, TablePlan, copy_database
from sqlstore.errors import SqlstoreError

__all__: list[str] = []


@contextmanager
def _bar() -> Iterator[tuple[Progress, Any]]:
    """A progress bar on stderr when it is a terminal; nothing otherwise."""
    state: dict[str, Any] = {}

    def planned(plans: list[TablePlan], counts: dict[str, int]) -> None:
        if sys.stderr.isatty():
            bar = click.progressbar(
                length=max(sum(counts.values()), 1), label="copying", file=sys.stderr,
                show_pos=True, item_show_func=lambda t: t,
            )  # fmt: skip
            state["bar"] = bar.__enter__()

    def progress(table: str, rows: int) -> None:
        if bar := state.get("bar"):
            bar.update(rows, table)

    try:
        yield progress, planned
    finally:
        if bar := state.get("bar"):
            bar.__exit__(None, None, None)


def _print(report: CopyReport) -> None:
    for mid in report.applied:
        click.echo(f"applied {mid}")
    click.echo(f"{len(report.applied)} migration(s) applied")
    width = max([len(t.name) for t in report.tables] + [5])
    click.echo(f"{'table':<{width}}  {'source':>8}  {'copied':>8}  {'skipped':>8}  {'target':>8}")
    for t in report.tables:
        state = "verified" if t.verified else "MISMATCH"
        click.echo(
            f"{t.name:<{width}}  {t.source_rows:>8}  {t.copied:>8}  {t.skipped:>8}  "
            f"{t.target_rows:>8}  {t.target_sum.hexdigest()[:12]}  {state}"
        )
    if report.sequences:
        click.echo(f"sequences reset: {', '.join(report.sequences)}")


@cli.command("copy")
@click.option("--from", "source", metavar="URL", required=True, help="The database to copy.")
@click.option(
    "--to", "target", metavar="URL", required=True, help="The database to fill (PostgreSQL)."
)
@click.option("--resume", is_flag=True, help="Finish an interrupted copy of this source.")
@click.option(
    "--append",
    is_flag=True,
    help="Add to a target holding rows; rows whose key it holds are skipped.",
)
@click.option(
    "--chunk-rows",
    type=click.IntRange(min=1),
    default=10_000,
    show_default=True,
    help="Rows per committed transaction.",
)
@click.pass_context
def copy_command(
    ctx: click.Context, source: str, target: str, resume: bool, append: bool, chunk_rows: int
) -> None:
    """Copy every table into a migrated PostgreSQL database, then verify it.

    Migrates the target (the built-in migrations and the app's
    --migration-dir), copies each table in foreign-key order with COPY,
    committing every --chunk-rows rows, sets the sequences past the ids
    copied, and compares each table's row count and content checksum on both
    ends (exit 1 on a mismatch). Refuses a target that holds rows, unless
    --resume (an interrupted copy: run the same command again with it) or
    --append.
    """
    if resume and append:
        raise click.UsageError("--resume and --append do not go together")
    mode: Mode = "resume" if resume else "append" if append else "new"
    opts = options(ctx)
    with _bar() as (progress, planned):
        report = copy_database(
            source, target,
            sql_dirs=opts.sql_dirs, migration_dirs=opts.migration_dirs,
            mode=mode, chunk_rows=chunk_rows, progress=progress, planned=planned,
        )  # fmt: skip
    _print(report)
    if not report.verified:
        bad = ", ".join(t.name for t in report.tables if not t.verified)
        raise SqlstoreError(f"the copy does not match the source in: {bad}")
    rows = sum(t.target_rows for t in report.tables)
    click.echo(f"verified: {len(report.tables)} tables, {rows} rows, counts and checksums match")
