"""``check-migrations``: squawk, rollbacks that undo, and dialects that agree."""

from __future__ import annotations

import json

import click

from sqlstore.cli._app import EXIT_ERRORS, EXIT_WARNINGS, cli, options
from sqlstore.cli._progress import progress
from sqlstore.config import resolve
from sqlstore.dialects import dialect_class
from sqlstore.migration_check import check_migrations, count_steps

__all__: list[str] = []


@cli.command("check-migrations")
@click.option(
    "--server",
    "servers",
    metavar="URL",
    multiple=True,
    help="A server where scratch databases may be made, one per server dialect "
    "(default: the --database URL's, if it is a server).",
)
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@click.option(
    "--fail-on",
    type=click.Choice(["error", "warning"]),
    default="error",
    show_default=True,
    help="The least severe finding that makes the exit status non-zero.",
)
@click.pass_context
def check_migrations_command(
    ctx: click.Context, servers: tuple[str, ...], fmt: str, fail_on: str
) -> None:
    """Lint the migration files (squawk), round-trip each one, compare the dialects.

    squawk reads the PostgreSQL files (built-in and --migration-dir); a
    reviewed exception is '-- squawk-ignore RULE -- reason'. On a scratch
    database of each dialect every migration is applied, rolled back and
    applied again: its rollback must undo it. Once all are applied, both
    dialects must have the same tables, columns and indexes. Exits 1 on an
    error, 3 on warnings alone with --fail-on warning, else 0.
    """
    opts = options(ctx)
    by_dialect: dict[str, str] = {}
    for url in (*servers, *([opts.database] if opts.database and not servers else [])):
        dialect = resolve(url).url.dialect
        if not dialect_class(dialect).embedded:
            by_dialect.setdefault(dialect, url)
    total = count_steps(opts.migration_dirs)
    with progress("round-tripping", total, quiet=fmt == "json") as step:
        problems = check_migrations(opts.migration_dirs, by_dialect, step=step)
    errors = sum(p.level == "error" for p in problems)
    warnings = len(problems) - errors
    code = EXIT_ERRORS if errors else EXIT_WARNINGS if warnings and fail_on == "warning" else 0
    if fmt == "json":
        summary = {"errors": errors, "warnings": warnings, "migrations": total}
        findings = [p.as_dict() for p in problems]
        report = {"exit_status": code, "summary": summary, "findings": findings}
        click.echo(json.dumps(report, indent=2))
    else:
        for p in problems:
            where = f"{p.file}:{p.line}" if p.line else p.file
            click.echo(f"{p.level} [{p.rule}] {where}: {p.message}")
        click.echo(f"{total} migration file(s) checked: {errors} error(s), {warnings} warning(s)")
    ctx.exit(code)
