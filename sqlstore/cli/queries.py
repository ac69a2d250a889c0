"""``queries``, ``show``, ``check`` and ``explain``: the SQL files and what the database says."""

from __future__ import annotations

import json
import re
from typing import Any

import click

from sqlstore.check import Finding, check_queries, explain, load_queries, shown_path
from sqlstore.cli._app import (
    EXIT_ERRORS,
    EXIT_WARNINGS,
    cli,
    database_dialect,
    open_store,
    options,
    refuse_missing,
)
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
    help="Also show each query's plan and flag full scans an index should avoid.",
)
@click.option(
    "--format",
    "output",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="json: one object with every finding (file, line, rule, level, message) and the counts.",
)
@click.option(
    "--fail-on",
    type=click.Choice(["error", "warning"]),
    default="error",
    show_default=True,
    help="warning: a warning fails the check too (exit status 3).",
)
@click.option(
    "--dao",
    "dao_modules",
    multiple=True,
    type=click.Path(exists=True, dir_okay=True),
    help="An app's DAO module or folder whose query calls are checked (repeatable).",
)
@click.pass_context
def check(
    ctx: click.Context, plans: bool, output: str, fail_on: str, dao_modules: tuple[str, ...]
) -> None:
    """Have the migrated database compile every SQL file, changing nothing.

    PostgreSQL prepares each query (PREPARE, then DEALLOCATE); SQLite
    EXPLAINs it with every parameter NULL; both in a read-only transaction
    that is rolled back. A missing table or column, a type the database
    refuses or a syntax error is reported as FILE:LINE; a file that does
    not even load (an unterminated quote, two statements) too, and the check
    goes on with the next. A file's '-- returns: one|many Model' line has its
    result columns checked against the model, and the DAO calls that name a
    query (sqlstore's, and --dao's) are checked against its parameters.
    Statements that cannot be compiled without running them (DO, COPY, DDL)
    are listed as not checkable; another dialect's queries as skipped.

    Ends with a summary line. Exit status: 0 when nothing failed (warnings
    alone do not fail, unless --fail-on warning), 1 when a query has an
    error (or the check could not run), 2 on a usage error, 3 when only
    warnings failed it (--fail-on warning).
    """
    say = _say_text if output == "text" else None
    opts = options(ctx)
    # Opened without the app's folders, which check loads itself: a file that
    # does not load is then one failed finding, not the end of the run.
    refuse_missing(resolve(opts.database))
    with connect(opts.database, migration_dirs=opts.migration_dirs) as store:
        findings = check_queries(
            store, plans=plans, each=say, sql_dirs=opts.sql_dirs, dao_modules=dao_modules
        )
        dialect = store.dialect.name
    counts = {s: sum(1 for f in findings if f.status == s) for s in _STATUSES}
    levels = {
        level: sum(1 for f in findings for i in f.issues if i.level == level)
        for level in ("error", "warning", "reviewed")
    }
    code = EXIT_ERRORS if counts["failed"] else 0
    if not code and fail_on == "warning" and levels["warning"]:
        code = EXIT_WARNINGS
    if output == "json":
        click.echo(json.dumps(_as_json(dialect, findings, counts, levels, code), indent=2))
    else:
        summary = ", ".join(f"{counts[s]} {s}" for s in _STATUSES)
        click.echo(
            f"{dialect}: {len(findings)} queries: {summary}; "
            f"{levels['warning']} warning(s), {levels['reviewed']} reviewed"
        )
        if counts["failed"]:
            click.echo(f"error: {counts['failed']} query(ies) failed the check", err=True)
        elif code == EXIT_WARNINGS:
            click.echo(f"error: {levels['warning']} warning(s) and --fail-on warning", err=True)
    ctx.exit(code)


_STATUSES = ("ok", "failed", "not checkable", "skipped")


def _say_text(finding: Finding) -> None:
    """One finding as text: its status line, its plan, then each issue on its own line."""
    line = f"{finding.status:<13}  {finding.query}"
    # The database's own refusal is the status line; each rule's issue a line of its own.
    issues = [i for i in finding.issues if i.rule not in ("compile", "load")]
    if finding.status != "ok" and not any(i.message == finding.message for i in issues):
        line += f"  {finding.where}: {finding.message}"
    click.echo(line)
    for step in finding.plan:
        click.echo(f"    | {step}")
    for issue in issues:
        click.echo(f"    {issue.level} [{issue.rule}] {finding.located(issue)}: {issue.message}")


def _as_json(
    dialect: str,
    findings: list[Finding],
    counts: dict[str, int],
    levels: dict[str, int],
    code: int,
) -> dict[str, Any]:
    """``check --format json``: every issue (file, line, rule, level, message) and the counts."""
    issues = [
        {
            "file": str(shown_path(issue.path or f.path)),
            "line": issue.line,
            "query": f.query,
            "rule": issue.rule,
            "level": issue.level,
            "message": issue.message,
        }
        for f in findings
        for issue in f.issues
    ]
    queries = [
        {"query": f.query, "file": str(shown_path(f.path)), "status": f.status, "note": f.message}
        for f in findings
    ]
    summary = {
        "queries": len(findings),
        **counts,
        "errors": levels["error"],
        "warnings": levels["warning"],
        "reviewed": levels["reviewed"],
    }
    return {
        "dialect": dialect,
        "exit_status": code,
        "summary": summary,
        "findings": issues,
        "queries": queries,
    }


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
