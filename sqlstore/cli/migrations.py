"""``migrate``, ``rollback``, ``status``, ``new`` and ``break-lock``."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click

from sqlstore.cli._app import cli, open_store
from sqlstore.errors import InvalidInput, MigrationError
from sqlstore.paths import builtin_dir
from sqlstore.queries import DIALECT_SUFFIXES

__all__ = ["new_migration"]


@contextmanager
def _progress(verb: str, total: int) -> Iterator[None]:
    """Print ``[i/n] <verb> <id>`` on stderr as yoyo starts each migration.

    yoyo logs "Applying <id>" / "Rolling back <id>" at INFO on the
    ``yoyo.migrations`` logger just before each one; nothing is printed for a
    single migration.
    """
    if total < 2:
        yield
        return
    done = 0

    class Handler(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            nonlocal done
            args = record.args if isinstance(record.args, tuple) else ()
            if args and str(record.msg).startswith(("Applying", "Rolling back")):
                done += 1
                click.echo(f"[{done}/{total}] {verb} {args[0]}", err=True)

    logger = logging.getLogger("yoyo.migrations")
    handler, level = Handler(), logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)


@cli.command()
@click.pass_context
def migrate(ctx: click.Context) -> None:
    """Apply every pending migration (the built-in ones, then the app's).

    Prints each migration applied; with several, progress goes to stderr as
    each one starts.
    """
    with open_store(ctx) as store:
        pending = [s.id for s in store.migration_status() if not s.applied]
        with _progress("applying", len(pending)):
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
    help="How many of the last applied migrations to roll back.",
)
@click.option("--all", "everything", is_flag=True, help="Roll back every applied migration.")
@click.pass_context
def rollback(ctx: click.Context, steps: int, everything: bool) -> None:
    """Roll back the last applied migrations, dependants first."""
    with open_store(ctx) as store:
        applied = sum(s.applied for s in store.migration_status())
        with _progress("rolling back", applied if everything else min(steps, applied)):
            rolled = store.rollback(None if everything else steps)
        for mid in rolled:
            click.echo(f"rolled back {mid}")
        click.echo(f"{len(rolled)} migration(s) rolled back")


@cli.command()
@click.pass_context
def status(ctx: click.Context) -> None:
    """List every migration: applied (and when, UTC) or pending."""
    with open_store(ctx) as store:
        states = store.migration_status()
        click.echo(f"database: {store.url}")
        for state in states:
            when = state.applied_at.isoformat(timespec="seconds") if state.applied_at else ""
            done = "applied" if state.applied else "pending"
            click.echo(f"{done:<8} {state.id}  {when}".rstrip())
        applied = sum(s.applied for s in states)
        click.echo(f"{applied} applied, {len(states) - applied} pending")


@cli.command("break-lock")
@click.pass_context
def break_lock(ctx: click.Context) -> None:
    """Clear a migration lock left behind by a killed process."""
    with open_store(ctx) as store:
        store.migrator.break_lock()
        click.echo("migration lock cleared")


@cli.command()
@click.argument("name")
@click.option(
    "--dir",
    "folder",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("migrations"),
    show_default=True,
    help="The migration folder (with sqlite/ and postgresql/) to add to: an app names its own.",
)
def new(name: str, folder: Path) -> None:
    """Create the next migration NAME and its rollback, in both dialect folders.

    Each file gets the next version number and a `-- depends:` line on the
    previous migration of its dialect (in an app's empty folder: on the last
    built-in one). Write the SQL, then `sqlstore migrate`.
    """
    for path in new_migration(folder, name):
        click.echo(f"created {path}")


_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
_VERSION = re.compile(r"^(\d{4})_.+\.(sqlite|postgresql)\.sql$")


def _forward(folder: Path, dialect: str) -> list[Path]:
    """The forward migrations of one dialect folder, in version order."""
    if not folder.is_dir():
        return []
    return sorted(
        p
        for p in folder.glob(f"*.{dialect}.sql")
        if _VERSION.match(p.name) and not p.name.endswith(f".{dialect}.rollback.sql")
    )


def new_migration(folder: Path, name: str) -> list[Path]:
    """Create ``NNNN_name`` (forward and rollback) for every dialect; return the files."""
    if not _NAME.match(name):
        raise InvalidInput(
            f"a migration name is lower-case letters, digits and '_', starting with a letter "
            f"(e.g. add_tags), not {name!r}"
        )
    builtin = builtin_dir("migrations")
    is_builtin = folder.resolve() == builtin.resolve()
    numbers = [
        int(m.group(1))
        for dialect in DIALECT_SUFFIXES
        for p in _forward(folder / dialect, dialect)
        if (m := _VERSION.match(p.name))
    ]
    version = f"{max(numbers, default=0) + 1:04d}_{name}"
    files: list[tuple[Path, str]] = []
    for dialect in DIALECT_SUFFIXES:
        mid = f"{version}.{dialect}"
        if not is_builtin and (builtin / dialect / f"{mid}.sql").exists():
            raise InvalidInput(f"{mid} is a built-in migration id already; choose another name")
        previous = _forward(folder / dialect, dialect) or (
            [] if is_builtin else _forward(builtin / dialect, dialect)
        )
        depends = f"-- depends: {previous[-1].name.removesuffix('.sql')}\n" if previous else ""
        files.append(
            (
                folder / dialect / f"{mid}.sql",
                f"-- {version}: what this migration changes, for the DBA ({dialect}).\n{depends}\n",
            )
        )
        files.append(
            (
                folder / dialect / f"{mid}.rollback.sql",
                f"-- Undo {version}: drop what it created, in reverse order.\n\n",
            )
        )
    for path, _ in files:
        if path.exists():
            raise InvalidInput(f"{path} exists already")
    try:
        for path, text in files:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise MigrationError(f"cannot write the migration files: {exc}") from exc
    return [path for path, _ in files]
