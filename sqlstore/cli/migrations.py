"""Migration commands: migrate, rollback, reapply, mark, unmark, status, new, break-lock."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click

from sqlstore.cli._app import cli, open_store
from sqlstore.cli._progress import progress
from sqlstore.dialects import dialect_names
from sqlstore.errors import InvalidInput, MigrationError
from sqlstore.migrate import MigrationState
from sqlstore.paths import builtin_dir

__all__ = ["new_migration"]


@contextmanager
def _progress(verb: str, total: int) -> Iterator[None]:
    """A progress bar on stderr (a terminal only) that moves as each migration starts.

    The migrator logs "applying <id>" / "rolling back <id>" at INFO on the
    ``sqlstore.migrate`` logger just before each one.
    """
    with progress(verb, total) as step:

        class Handler(logging.Handler):
            def emit(self, record: logging.LogRecord) -> None:
                args = record.args if isinstance(record.args, tuple) else ()
                if args and str(record.msg).startswith(("applying", "rolling back")):
                    step(str(args[0]))

        logger = logging.getLogger("sqlstore.migrate")
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

    Each migration commits together with its record, or not at all. Prints
    each migration applied; with several, a progress bar on stderr when it is
    a terminal. Applies nothing if a pending migration holds no statement (an
    untouched `new` template) or an applied one's file changed (see `status`).
    """
    with open_store(ctx, create=True, queries=False) as store:
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
    default=None,
    help="How many of the last applied migrations to roll back  [default: 1].",
)
@click.option("--all", "everything", is_flag=True, help="Roll back every applied migration.")
@click.option(
    "--to",
    "to",
    metavar="ID",
    help="Roll back every migration applied after ID, leaving ID applied.",
)
@click.pass_context
def rollback(ctx: click.Context, steps: int | None, everything: bool, to: str | None) -> None:
    """Roll back the last applied migrations, dependants first.

    Rolls back nothing if an applied migration that would stay (from any
    folder, given to this command or not) depends on one of them.
    """
    if sum((steps is not None, everything, to is not None)) > 1:
        raise click.UsageError("give one of --steps, --all and --to")
    with open_store(ctx, queries=False) as store:
        applied = sum(s.applied for s in store.migration_status())
        count = applied if everything or to else min(steps or 1, applied)
        with _progress("rolling back", count):
            rolled = store.migrator.rollback(None if everything else steps or 1, to=to)
        for mid in rolled:
            click.echo(f"rolled back {mid}")
        click.echo(f"{len(rolled)} migration(s) rolled back")


@cli.command()
@click.option(
    "--steps",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="How many of the last applied migrations to roll back and apply again.",
)
@click.pass_context
def reapply(ctx: click.Context, steps: int) -> None:
    """Roll back the last applied migrations and apply them again (while writing one).

    Both under one migration lock, from the files as they are now; the
    record of each is rewritten. Refused, changing nothing, as `rollback`
    refuses.
    """
    with open_store(ctx, queries=False) as store:
        done = store.migrator.reapply(steps)
        for mid in done:
            click.echo(f"reapplied {mid}")
        click.echo(f"{len(done)} migration(s) reapplied")


@cli.command()
@click.argument("ids", metavar="ID...", nargs=-1, required=True)
@click.pass_context
def mark(ctx: click.Context, ids: tuple[str, ...]) -> None:
    """Record migrations as applied without running them (the schema is there already).

    Refused, recording nothing, if one depends on a migration that is
    neither applied nor marked with it. Ids applied already are skipped.
    """
    _mark(ctx, ids, applied=True)


@cli.command()
@click.argument("system", type=click.Choice(["music", "media", "agents"]))
@click.pass_context
def adopt(ctx: click.Context, system: str) -> None:
    """Take over a replaced system's database: its tables become sqlstore's, rows kept.

    One transaction converts the system's tables and records the built-in
    migrations that create them; then every pending migration is applied,
    unless another system's tables are left to adopt (in the order music,
    media, agents). Refused, changing nothing, if a row does not fit or the
    order is wrong (see docs/migrating/).
    """
    from sqlstore.adopt import adopt as adopt_database
    from sqlstore.adopt import next_to_adopt

    with open_store(ctx, queries=False) as store:
        applied = adopt_database(store, system)
        after = next_to_adopt(store)
    for mid in applied:
        click.echo(f"applied {mid}")
    click.echo(f"adopted the {system} database; {len(applied)} migration(s) applied")
    if after is not None:
        click.echo(
            f"the {after} tables are still here: adopt them next (sqlstore adopt {after}); "
            "that adoption applies the pending migrations"
        )


@cli.command()
@click.argument("ids", metavar="ID...", nargs=-1, required=True)
@click.pass_context
def unmark(ctx: click.Context, ids: tuple[str, ...]) -> None:
    """Record migrations as not applied without rolling them back.

    Refused, changing nothing, if an applied migration that stays (from any
    folder) depends on one of them. Ids not applied are skipped.
    """
    _mark(ctx, ids, applied=False)


def _mark(ctx: click.Context, ids: tuple[str, ...], *, applied: bool) -> None:
    with open_store(ctx, queries=False) as store:
        done = store.migrator.mark(ids, applied=applied)
    for mid in done:
        click.echo(f"{'marked' if applied else 'unmarked'} {mid}")
    click.echo(f"{len(done)} migration(s) marked {'applied' if applied else 'not applied'}")


@cli.command()
@click.pass_context
def status(ctx: click.Context) -> None:
    """List every migration folder and its migrations: applied (when, UTC), pending or changed.

    "changed" is an applied migration whose file differs from the one that
    was applied: `migrate` refuses to run until it is restored (or accepted
    with `accept-changed`).
    """
    with open_store(ctx, queries=False) as store:
        states = store.migration_status()
        holder = store.migrator.lock_holder()
        click.echo(f"database: {store.url}")
        if holder:
            click.echo(f"migration lock: held by {holder}")
        builtin = builtin_dir("migrations").resolve()
        for folder in store.migrator.dirs:
            mine = [s for s in states if not s.missing and s.folder == folder]
            label = " (built-in)" if folder.resolve().parent == builtin else ""
            click.echo(f"folder {folder}{label}: {len(mine)} migration(s)")
            for state in mine:
                click.echo(_state_line(state))
        strays = [s for s in states if s.missing]
        if strays:
            click.echo("applied, from no folder this store was given:")
            for state in strays:
                where = f"  (from {state.folder})" if state.folder else ""
                click.echo(_state_line(state) + where)
        applied = sum(s.applied for s in states)
        changed = sum(s.changed for s in states)
        summary = f"{applied} applied, {len(states) - applied} pending"
        click.echo(summary + (f", {changed} changed since applied" if changed else ""))


def _state_line(state: MigrationState) -> str:
    when = state.applied_at.isoformat(timespec="seconds") if state.applied_at else ""
    done = "changed" if state.changed else "applied" if state.applied else "pending"
    return f"{done:<8} {state.id}  {when}".rstrip()


@cli.command("break-lock")
@click.pass_context
def break_lock(ctx: click.Context) -> None:
    """Clear a yoyo lock row left by a killed process (an older sqlstore, or the yoyo command).

    sqlstore's own migration lock needs no clearing: it goes with the process
    or connection that holds it.
    """
    with open_store(ctx, queries=False) as store:
        removed = store.migrator.break_lock()
        holder = store.migrator.lock_holder()
        if removed:
            click.echo(f"migration lock cleared ({removed} yoyo lock row(s) removed)")
        elif not holder:
            click.echo("migration lock cleared")
        if holder:
            click.echo(
                f"the migration lock is held by {holder}: a live holder; it is released when "
                "that process or its connection ends"
            )


@cli.command("accept-changed")
@click.argument("ids", metavar="ID...", nargs=-1, required=True)
@click.pass_context
def accept_changed(ctx: click.Context, ids: tuple[str, ...]) -> None:
    """Accept the edited files of applied migrations as they are now (`status` says "changed").

    Only for an edit that changes nothing in the database (a comment, a fixed
    rollback): the migration does not run again. A real change belongs in a
    new migration.
    """
    with open_store(ctx, queries=False) as store:
        for mid in store.migrator.accept_changed(list(ids)):
            click.echo(f"accepted {mid}")


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
    built-in one). Write the SQL, then `sqlstore migrate` (which refuses a
    migration that still holds no statement).
    """
    for path in new_migration(folder, name):
        click.echo(f"created {path}")


_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
# The glob below has chosen the dialect: the version number is what is read.
_VERSION = re.compile(r"^(\d{4})_.+\.\w+\.sql$")


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
        for dialect in dialect_names()
        for p in _forward(folder / dialect, dialect)
        if (m := _VERSION.match(p.name))
    ]
    version = f"{max(numbers, default=0) + 1:04d}_{name}"
    files: list[tuple[Path, str]] = []
    for dialect in dialect_names():
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
