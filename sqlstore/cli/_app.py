"""The ``sqlstore`` command group, its global options and what subcommands share."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import click

from sqlstore.config import Settings, resolve
from sqlstore.dialects import dialect_class
from sqlstore.errors import ConfigError
from sqlstore.store import Store

__all__ = [
    "EXIT_ERRORS",
    "EXIT_WARNINGS",
    "Options",
    "cli",
    "database_dialect",
    "open_store",
    "options",
    "refuse_missing",
]


@dataclass(frozen=True)
class Options:
    """The global options every subcommand sees."""

    database: str | None
    sql_dirs: tuple[Path, ...]
    migration_dirs: tuple[Path, ...]


#: The exit status of ``check`` and ``check-migrations`` when they found an error.
EXIT_ERRORS = 1
#: Their exit status when only warnings were found and ``--fail-on warning`` was given.
EXIT_WARNINGS = 3

_FOLDER = click.Path(exists=True, file_okay=False, path_type=Path)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="sqlstore", prog_name="sqlstore", message="%(prog)s %(version)s")
@click.option(
    "--database",
    metavar="URL",
    envvar="DATABASE_URL",
    default=None,
    help="Database URL (default: as sqlstore resolves it: DATABASE_URL, DB_CONFIG, DB_*, "
    "then sqlite:///data/sqlstore.db).",
)
@click.option(
    "--sql-dir",
    "sql_dirs",
    metavar="DIR",
    multiple=True,
    type=_FOLDER,
    envvar="SQLSTORE_SQL_DIRS",
    help="An app's folder of SQL files, after the built-in one (repeatable; "
    "env SQLSTORE_SQL_DIRS, separated by the path separator).",
)
@click.option(
    "--migration-dir",
    "migration_dirs",
    metavar="DIR",
    multiple=True,
    type=_FOLDER,
    envvar="SQLSTORE_MIGRATION_DIRS",
    help="An app's migration folder, holding sqlite/ and postgresql/ (repeatable; "
    "env SQLSTORE_MIGRATION_DIRS).",
)
@click.pass_context
def cli(
    ctx: click.Context,
    database: str | None,
    sql_dirs: tuple[Path, ...],
    migration_dirs: tuple[Path, ...],
) -> None:
    """sqlstore: migrate, inspect and check a sqlstore database and its SQL files."""
    ctx.obj = Options(database, tuple(sql_dirs), tuple(migration_dirs))


def options(ctx: click.Context) -> Options:
    """The global options of this run."""
    opts = ctx.find_root().obj
    assert isinstance(opts, Options)
    return opts


@contextmanager
def open_store(
    ctx: click.Context, *, create: bool = False, queries: bool = True
) -> Iterator[Store]:
    """The store the global options name (connects).

    Unless ``create``, an embedded database that is not there is refused
    (a command that reads must not leave a new, empty file behind a typo).
    Without ``queries`` no SQL file is loaded: a broken one cannot stop it.
    """
    opts = options(ctx)
    settings = resolve(opts.database)
    if not create:
        refuse_missing(settings)
    sql_dirs = opts.sql_dirs if queries else ()
    with Store(
        settings, sql_dirs=sql_dirs, migration_dirs=opts.migration_dirs, load_queries=queries
    ) as store:
        yield store


def refuse_missing(settings: Settings) -> None:
    """``ConfigError`` naming the file, if the URL names an embedded database that is not there."""
    url = settings.url
    if dialect_class(url.dialect).embedded and not url.is_memory and not url.path.exists():
        raise ConfigError(
            f"no database at {url.path}: this command reads a database and creates none; "
            "is the path right? ('sqlstore migrate' creates one)"
        )


def database_dialect(ctx: click.Context) -> str:
    """The dialect of the database the options name, without connecting to it."""
    return resolve(options(ctx).database).url.dialect
