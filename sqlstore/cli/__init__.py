"""The ``sqlstore`` command (also ``python -m sqlstore``).

Subcommands live in ``migrations`` (migrate, rollback, status, new,
break-lock, accept-changed), ``queries`` (queries, show, check, explain),
``data`` (stats, demo), ``monitor`` (top), ``lint`` (check-migrations) and
``copy`` (copy); importing them
registers them on the group. A new module's commands are listed here too.
"""

from __future__ import annotations

import sys

import click

# Imported to register their commands.
from sqlstore.cli import copy, data, lint, migrations, monitor, queries  # noqa: F401
from sqlstore.cli._app import cli
from sqlstore.config import redact
from sqlstore.errors import SqlstoreError

__all__ = ["cli", "main", "run"]


def main(argv: list[str] | None = None) -> int:
    """Run the command; any error is one line on stderr and a non-zero exit status."""
    try:
        # Without standalone mode click returns ctx.exit()'s code instead of exiting.
        code = cli.main(args=argv, prog_name="sqlstore", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("error: aborted", err=True)
        return 1
    except click.UsageError as exc:
        hint = f"; see '{exc.ctx.command_path} --help'" if exc.ctx else ""
        click.echo(f"error: {redact(exc.format_message())}{hint}", err=True)
        return exc.exit_code
    except click.ClickException as exc:
        click.echo(f"error: {redact(exc.format_message())}", err=True)
        return exc.exit_code
    except SqlstoreError as exc:
        click.echo(f"error: {redact(str(exc))}", err=True)
        return 1
    return code if isinstance(code, int) else 0


def run() -> None:
    """Console-script entry point."""
    sys.exit(main())
