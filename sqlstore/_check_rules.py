"""``sqlstore check``'s rules beyond compiling: models, DAO calls and reviewed warnings.

Each rule gives ``Issue``s of one query: an ``error`` fails the check, a
``warning`` fails it only with ``--fail-on warning``, and a warning whose
rule the file marks ``-- reviewed: <rule>: <reason>`` is shown as
``reviewed`` and fails nothing.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal

from sqlstore._check_calls import DaoCall
from sqlstore._check_models import column_problems, resolve_model
from sqlstore._check_plans import code_lines
from sqlstore.dialects import Connection
from sqlstore.queries import Query

__all__ = ["REVIEWABLE", "Issue", "dao_issues", "model_issues", "reviewed"]

Level = Literal["error", "warning", "reviewed"]

#: The warnings a ``-- reviewed:`` line may mark.
REVIEWABLE = ("full-scan", "unindexed-filter", "dao-returns")


@dataclass(frozen=True)
class Issue:
    """One thing a rule found in a query: its rule, level, message and where."""

    rule: str
    level: Level
    message: str
    line: int | None = None
    #: Where it is when that is not the query's file (a DAO module's call).
    path: Path | None = None


def model_issues(conn: Connection, query: Query) -> list[Issue]:
    """The query's result columns against the model its ``-- returns:`` line names."""
    returns = query.returns
    if returns is None:
        return []
    try:
        model = resolve_model(returns.model)
    except LookupError as exc:
        return [Issue("returns-model", "error", str(exc), returns.line)]
    columns = conn.describe(query)
    if columns is None:
        message = f"declares '-- returns: {returns.model}' but returns no rows"
        return [Issue("returns-column", "error", message, returns.line)]
    issues = []
    for rule, message, column in column_problems(model, columns):
        line = _line_of(query, column) if column else None
        issues.append(Issue(rule, "error", message, line or returns.line))
    return issues


def _line_of(query: Query, word: str) -> int | None:
    """The last line of code naming ``word`` (a result column is named late in a SELECT)."""
    pattern = re.compile(rf"(?<!\w){re.escape(word)}(?!\w)", re.IGNORECASE)
    found = [line for line, text in code_lines(query.statement) if pattern.search(text)]
    return found[-1] if found else None


def dao_issues(query: Query, calls: Sequence[DaoCall]) -> list[Issue]:
    """Each DAO call of the query against its parameters and its ``-- returns:`` line."""
    issues = []
    wanted = set(query.params)
    for call in calls:
        where = f"{_shown(call.path)}:{call.line}"
        unexpected = sorted(call.params - wanted)
        missing = sorted(wanted - call.params) if call.complete else []
        if unexpected or missing:
            parts = [f"passes :{n}, which the query does not take" for n in unexpected]
            parts += [f"does not pass :{n}" for n in missing]
            message = f"the call of {query.name} " + "; ".join(parts)
            issues.append(Issue("dao-params", "error", message, call.line, call.path))
        if call.model is not None:
            issues.extend(_returns_issue(query, call, where))
    return issues


def _returns_issue(query: Query, call: DaoCall, where: str) -> list[Issue]:
    assert call.model is not None
    kind = "many" if call.many else "one"
    returns = query.returns
    model = call.model.rpartition(".")[2]
    if returns is None:
        message = (
            f"{where} reads rows into {model}, but the file has no '-- returns: {kind} {model}'"
        )
        return [Issue("dao-returns", "warning", message, 1)]
    declared = returns.model.rpartition(".")[2]
    try:
        same = _dao_model(call) is resolve_model(returns.model)
    except LookupError:
        same = declared == model
    if not same:
        message = f"{where} reads rows into {model}, but the file declares {returns.model}"
        return [Issue("dao-returns", "error", message, returns.line)]
    if call.many is not None and call.many != returns.many:
        declared_kind = "many" if returns.many else "one"
        message = f"{where} reads {kind} row(s), but the file declares {declared_kind}"
        return [Issue("dao-returns", "warning", message, returns.line)]
    return []


def _dao_model(call: DaoCall) -> object:
    assert call.model is not None
    if call.model_module is None:
        raise LookupError(call.model)
    return resolve_model(f"{call.model_module}.{call.model}")


def reviewed(query: Query, issues: Sequence[Issue]) -> list[Issue]:
    """``issues`` with those the file marks reviewed as such, and its unknown or unused marks.

    A plan rule's mark is not called unused when it does not fire: a portable
    file's plan may scan on one dialect only.
    """
    out = []
    for issue in issues:
        if issue.level == "warning" and issue.rule in query.reviewed:
            reason, line = query.reviewed[issue.rule]
            message = f"{issue.message} (reviewed: {reason})"
            issue = replace(issue, level="reviewed", message=message, line=line)
        out.append(issue)
    fired = {i.rule for i in issues}
    for rule, (_, line) in query.reviewed.items():
        if rule not in REVIEWABLE:
            known = ", ".join(REVIEWABLE)
            out.append(
                Issue("reviewed", "error", f"'{rule}' is no rule a review marks ({known})", line)
            )
        elif rule == "dao-returns" and rule not in fired:
            message = f"marked reviewed for {rule}, which no longer fires: remove the line"
            out.append(Issue("reviewed", "warning", message, line))
    return out


def _shown(path: Path) -> Path:
    try:
        return path.resolve().relative_to(Path.cwd().resolve())
    except ValueError:
        return path
