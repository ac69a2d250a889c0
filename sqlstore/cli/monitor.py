"""``top``: the queries that take the database's time, from the server's own statistics."""

from __future__ import annotations

import click

from sqlstore.check import shown_path
from sqlstore.cli._app import cli, open_store
from sqlstore.stats import QueryFigures, query_figures

__all__: list[str] = []

_SORTS = {
    "total": lambda f: f.total_ms,
    "mean": lambda f: f.mean_ms,
    "calls": lambda f: f.calls,
    "rows": lambda f: f.rows,
}


@cli.command()
@click.option(
    "--sort",
    type=click.Choice(list(_SORTS)),
    default="total",
    show_default=True,
    help="Order by total time, mean time per call, calls or rows.",
)
@click.option(
    "--limit",
    type=click.IntRange(1, None),
    default=20,
    show_default=True,
    help="How many queries to list.",
)
@click.pass_context
def top(ctx: click.Context, sort: str, limit: int) -> None:
    """The queries by the time the database spent on them (PostgreSQL's pg_stat_statements).

    Each statement sqlstore sends names its query in a leading comment, which
    the server keeps; the figures are the server's since they were last
    reset (``SELECT pg_stat_statements_reset()``), for the database the URL
    names. Read-only.
    """
    with open_store(ctx) as store:
        figures, other = query_figures(store)
        files = {
            q.name: str(shown_path(q.path))
            for q in store.registry
            if q.name in {f.name for f in figures}
        }
    figures.sort(key=_SORTS[sort], reverse=True)
    shown = figures[:limit]
    width = max([len(f.name) for f in shown] + [len("query")])
    click.echo(
        f"{'query':<{width}}  {'calls':>9}  {'total ms':>11}  {'mean ms':>9}  {'rows':>10}  file"
    )
    for f in shown:
        click.echo(_line(f, width, files.get(f.name, "(not a query of this store)")))
    more = len(figures) - len(shown)
    tail = f"{len(shown)} of {len(figures)} queries, by {sort}"
    if more:
        tail += f" ({more} more: --limit)"
    click.echo(tail)
    if other.calls:
        click.echo(
            f"not sqlstore's queries (BEGIN, COMMIT, savepoints, other clients): "
            f"{other.calls:,} calls, {other.total_ms:,.1f} ms"
        )


def _line(f: QueryFigures, width: int, file: str) -> str:
    return (
        f"{f.name:<{width}}  {f.calls:>9,}  {f.total_ms:>11,.2f}  {f.mean_ms:>9.3f}  "
        f"{f.rows:>10,}  {file}"
    )
