"""The ``sqlstore`` command (also ``python -m sqlstore``)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager

import click

from sqlstore.config import redact
from sqlstore.errors import SqlstoreError
from sqlstore.store import Store, connect

__all__ = ["main"]


@contextmanager
def _store(ctx: click.Context) -> Iterator[Store]:
    with connect(ctx.obj["database"]) as store:
        yield store


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--database",
    metavar="URL",
    envvar="DATABASE_URL",
    default=None,
    help="Database URL (default: as sqlstore resolves it: DATABASE_URL, DB_CONFIG, DB_*, "
    "then sqlite:///data/sqlstore.db).",
)
@click.pass_context
def cli(ctx: click.Context, database: str | None) -> None:
    """sqlstore: migrate, inspect and try out a sqlstore database."""
    ctx.ensure_object(dict)
    ctx.obj["database"] = database


@cli.command()
@click.pass_context
def demo(ctx: click.Context) -> None:
    """Migrate, then run a short generation lifecycle and prompt analytics example."""
    from sqlstore.demo import run_demo

    with _store(ctx) as store:
        run_demo(store, click.echo)


@cli.command()
@click.pass_context
def migrate(ctx: click.Context) -> None:
    """Apply every pending migration."""
    with _store(ctx) as store:
        applied = store.migrate()
        for mid in applied:
            click.echo(f"applied {mid}")
        click.echo(f"{len(applied)} migration(s) applied")


@cli.command()
@click.option(
    "--steps",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="How many migrations to roll back.",
)
@click.pass_context
def rollback(ctx: click.Context, steps: int) -> None:
    """Roll back the last applied migrations."""
    with _store(ctx) as store:
        for mid in store.rollback(steps):
            click.echo(f"rolled back {mid}")


@cli.command()
@click.pass_context
def status(ctx: click.Context) -> None:
    """List every migration: applied (and when) or pending."""
    with _store(ctx) as store:
        for state in store.migration_status():
            when = state.applied_at.isoformat(timespec="seconds") if state.applied_at else ""
            click.echo(f"{'applied' if state.applied else 'pending':<8} {state.id}  {when}")


@cli.command("break-lock")
@click.pass_context
def break_lock(ctx: click.Context) -> None:
    """Clear a migration lock left behind by a killed process."""
    with _store(ctx) as store:
        store.migrator.break_lock()
        click.echo("migration lock cleared")


def main(argv: list[str] | None = None) -> int:
    """Run the command; a sqlstore error is one line on stderr and exit status 1."""
    try:
        cli.main(args=argv, prog_name="sqlstore", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        return 1
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except SqlstoreError as exc:
        click.echo(f"error: {redact(str(exc))}", err=True)
        return 1
    return 0


def run() -> None:
    """Console-script entry point."""
    sys.exit(main())
