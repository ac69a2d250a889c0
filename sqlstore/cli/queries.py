"""``queries``, ``show``, ``check`` and ``explain``: the SQL files and what the database says."""

from __future__ import annotations

import json
import re
from typing import Any

import click

from sqlstore.check import Finding, check_queries, explain, load_queries, shown_path
from sqlstore.cli._app import cli, database_dialect, open_store, options, refuse_missing
from sqlstore.cli._explain import analyze as run_analyze
from sqlstore.config import resolve
from sqlstore.dialects import dialect_class, dialect_names
from sqlstore.queries import Query
from sqlstore.store import connect

__all__ = ["parse_params", "parse_value"]

_DIALECT = click.Choice(dialect_names())


def _one_line(header: str) -> str:
    return " ".join(header.split())


@cli.command()
@click.option("--dialect", type=_DIALECT, help="Only the queries this dialect loads.")
@click.pass_context
def queries(ctx: click.Context, dialect: str | None) -> None:
    """List every named query, where it runs and its header comment (no connection)."""
    sql_dirs = options(ctx).sql_dirs
    every = dialect_names()
    loaded = {d: load_queries(d, sql_dirs) for d in ([dialect] if dialect else every)}
    names = sorted({q.name for registry in loaded.values() for q in registry})
    width = max((len(n) for n in names), default=0)
    for name in names:
        found = [(d, r.get(name)) for d, r in loaded.items() if name in r]
        where = "all" if len(found) == len(every) else ", ".join(d for d, _ in found)
        # The portable file's header, where there is one, says it best.
        query = min((q for _, q in found), key=lambda q: q.path.name.count("."))
        click.echo(f"{name:<{width}}  {where:<10}  {_one_line(query.header)}".rstrip())
    click.echo(f"{len(names)} queries")


@cli.command()
@click.argument("name")
@click.option(
    "--dialect",
    type=_DIALECT,
    help="Render for this dialect (default: the --database URL's; never connects).",
)
@click.pass_context
def show(ctx: click.Context, name: str, dialect: str | None) -> None:
    """Print the exact SQL sent for query NAME, its file and its parameters."""
    dialect = dialect or database_dialect(ctx)
    query = load_queries(dialect, options(ctx).sql_dirs).get(name)
    click.echo(f"-- query:      {query.name}")
    click.echo(f"-- dialect:    {dialect}")
    click.echo(f"-- file:       {shown_path(query.path)}")
    click.echo(f"-- parameters: {_params(query, dialect) or '(none)'}")
    click.echo(query.sql)


def _params(query: Query, dialect: str) -> str:
    shown = []
    for param in query.params:
        is_list = param in query.list_params
        text = dialect_class(dialect).describe_param(param, is_list=is_list)
        if not is_list and param in query.in_params:
            text += " (one value: an IN-list item; a list is refused, see = ANY)"
        shown.append(text)
    return ", ".join(shown)


@cli.command()
@click.option(
    "--plans",
    is_flag=True,
    help="Also show each query's plan and flag full scans a WHERE clause's index should avoid.",
)
@click.pass_context
def check(ctx: click.Context, plans: bool) -> None:
    """Have the migrated database compile every SQL file, changing nothing.

    PostgreSQL prepares each query (PREPARE, then DEALLOCATE); SQLite
    EXPLAINs it with every parameter NULL; both in a read-only transaction
    that is rolled back. A missing table or column, a type the database
    refuses or a syntax error is reported as FILE:LINE; a file that does
    not even load (an unterminated quote, two statements) too, and the check
    goes on with the next. Statements that cannot be compiled without
    running them (DO, COPY, DDL) are listed as not checkable; another
    dialect's queries as skipped. Ends with a summary line; exits 1 if any
    query failed.
    """
    counts: dict[str, int] = {}

    def say(finding: Finding) -> None:
        counts[finding.status] = counts.get(finding.status, 0) + 1
        line = f"{finding.status:<13}  {finding.query}"
        if finding.status != "ok":
            line += f"  {finding.where}: {finding.message}"
        click.echo(line)
        for step in finding.plan:
            click.echo(f"    | {step}")
        for warning in finding.warnings:
            click.echo(f"    warning: {warning}")

    opts = options(ctx)
    # Opened without the app's folders, which check loads itself: a file that
    # does not load is then one failed finding, not the end of the run.
    refuse_missing(resolve(opts.database))
    with connect(opts.database, migration_dirs=opts.migration_dirs) as store:
        findings = check_queries(store, plans=plans, each=say, sql_dirs=opts.sql_dirs)
        dialect = store.dialect.name
    warned = sum(1 for f in findings if f.warnings)
    summary = ", ".join(
        f"{counts.get(s, 0)} {s}" for s in ("ok", "failed", "not checkable", "skipped")
    )
    click.echo(
        f"{dialect}: {len(findings)} queries: {summary}"
        + (f"; {warned} with a full-scan warning" if plans else "")
    )
    if counts.get("failed"):
        click.echo(f"error: {counts['failed']} query(ies) failed the check", err=True)
        ctx.exit(1)


@cli.command("explain")
@click.argument("name")
@click.argument("params", nargs=-1, metavar="KEY=VALUE...")
@click.option(
    "--analyze",
    is_flag=True,
    help="Run the statement and show real rows and times, in a transaction rolled back "
    "(PostgreSQL EXPLAIN ANALYZE; SQLite: the plan, then the whole statement's rows and time).",
)
@click.pass_context
def explain_command(ctx: click.Context, name: str, params: tuple[str, ...], analyze: bool) -> None:
    """Show the database's plan for query NAME with these parameter values.

    Values are read as: an integer, a number, null, true/false, JSON (an
    object, an array, a "string"), else text. An array is a list (an IN-list
    for `= ANY(:p)`). The query is only explained, in a transaction that is
    rolled back.
    """
    values = parse_params(params)
    with open_store(ctx) as store:
        plan = run_analyze(store, name, values) if analyze else explain(store, name, values)
    for step in plan or ["(no plan: the statement reads no table)"]:
        click.echo(step)


_INT = re.compile(r"^[-+]?\d+$")
_FLOAT = re.compile(r"^[-+]?(\d+\.\d*|\.\d+|\d+)([eE][-+]?\d+)?$")


def parse_value(text: str) -> Any:
    """A command-line value as the Python value it reads as (see ``explain --help``)."""
    lowered = text.lower()
    if lowered == "null":
        return None
    if lowered in ("true", "false"):
        return lowered == "true"
    if _INT.match(text):
        return int(text)
    if _FLOAT.match(text):
        return float(text)
    if text[:1] in ("{", "[", '"'):
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise click.BadParameter(f"{text!r} is not valid JSON ({exc.msg})") from None
    return text


def parse_params(pairs: tuple[str, ...]) -> dict[str, Any]:
    """``key=value`` arguments as parameters; a malformed or repeated key is a usage error."""
    values: dict[str, Any] = {}
    for pair in pairs:
        key, sep, raw = pair.partition("=")
        if not sep or not key.isidentifier():
            raise click.BadParameter(f"{pair!r} is not KEY=VALUE", param_hint="KEY=VALUE")
        if key in values:
            raise click.BadParameter(f"{key} is given twice", param_hint="KEY=VALUE")
        values[key] = parse_value(raw)
    return values
