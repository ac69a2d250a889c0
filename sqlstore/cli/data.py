"""``stats`` and ``demo``: what a database holds, and the example ``make run`` runs."""

from __future__ import annotations

import sys

import click

from sqlstore.cli._app import cli, open_store
from sqlstore.stats import row_counts, store_figures, table_names

__all__: list[str] = []


@cli.command()
@click.option(
    "--top",
    type=click.IntRange(1, 100),
    default=5,
    show_default=True,
    help="How many of the most used prompts to list.",
)
@click.pass_context
def stats(ctx: click.Context, top: int) -> None:
    """Row counts per table, then each store's figures (generations, prompts, tasks).

    Counting is exact (COUNT(*) per table, in one read-only transaction);
    progress goes to stderr while the tables are counted.
    """
    with open_store(ctx) as store:
        tables = table_names(store)
        click.echo(f"database: {store.url}")
        with click.progressbar(
            tables, label="counting rows", file=sys.stderr, show_pos=True
        ) as bar:
            counts = list(row_counts(store, bar))
        width = max((len(t) for t in tables), default=5)
        click.echo("rows per table:")
        for table, n in counts:
            click.echo(f"  {table:<{width}}  {n:>10,}")
        figures = store_figures(store, tables, top)
    if "generations" in figures:
        gens = figures["generations"]
        click.echo("generations by status:")
        for key, n in gens.items():
            if key.endswith("_generations"):
                click.echo(f"  {key.removesuffix('_generations'):<12} {n:>10,}")
        click.echo(f"top prompts (of {gens['total_prompts']:,}):")
        for used, text in figures["top_prompts"]:
            click.echo(f"  {used:>6,} x {text!r}")
    if "tasks" in figures:
        click.echo("tasks by status:")
        for key, n in figures["tasks"].items():
            click.echo(f"  {key:<12} {n:>10,}")


@cli.command()
@click.pass_context
def demo(ctx: click.Context) -> None:
    """Migrate, then run a short generation lifecycle and prompt analytics example."""
    from sqlstore.demo import run_demo

    with open_store(ctx, create=True) as store:
        run_demo(store, click.echo)
