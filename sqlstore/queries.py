"""Find, load, parse and translate SQL files: the query registry.

``sql/<table>/<query>.sql`` is the query ``<table>.<query>``. A sibling
``<query>.<dialect>.sql`` replaces it on that dialect. Folders given later
(an app's) add queries or replace earlier ones whole. Every file is read and
parsed when the registry is built, so a broken file fails at start-up.

The header comment may carry annotations for ``sqlstore check``, one a line:
``-- returns: one Task`` (or ``many``; a bare name is one of
``sqlstore.models``, else a dotted ``package.module.Model``) and
``-- reviewed: <rule>: <reason>`` (a warning someone looked at; the reason
goes on over lines indented ``--   ``).

Every statement sent starts with a comment naming its query,
``/* sqlstore:<name> */``, so that the server's views and logs
(``pg_stat_activity``, ``pg_stat_statements``) show which file ran; the
comment is constant per query, so prepared statements and plans are kept.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlstore.errors import ParameterError, QueryError, QueryNotFound
from sqlstore.sqltext import SqlSyntaxError, Statement, parse

__all__ = ["Query", "Registry", "Returns", "query_name", "tag", "tagged_name"]

# What a caller means as a list (SQLite's adapter sends each as a JSON array).
_LIST_TYPES = (list, tuple, set, frozenset)


# What a tag may show of a query's name: nothing that could end the comment, or
# that psycopg would read as a placeholder (a file name may hold ``*``, ``%``...).
_UNTAGGABLE = re.compile(r"[^\w.\-]")
_TAGGED = re.compile(r"\s*/\* sqlstore:([\w.\-]+) \*/")


def tag(name: str) -> str:
    """The comment that starts every statement of the query ``name``: ``/* sqlstore:name */ ``."""
    return f"/* sqlstore:{_UNTAGGABLE.sub('_', name)} */ "


def tagged_name(text: str) -> str | None:
    """The query named by the tag that starts ``text`` (a statement sqlstore sent); else None."""
    found = _TAGGED.match(text)
    return found.group(1) if found else None


@dataclass(frozen=True)
class Returns:
    """A file's ``-- returns: one|many Model`` line: what a row of it is read into."""

    many: bool
    model: str
    line: int


@dataclass(frozen=True)
class Query:
    """One named statement, already rendered for one dialect."""

    name: str
    path: Path
    header: str
    statement: Statement
    sql: str
    #: The ``-- returns:`` annotation, if the file has one.
    returns: Returns | None = None
    #: ``-- reviewed: rule: reason`` annotations, ``{rule: (reason, line)}``.
    reviewed: Mapping[str, tuple[str, int]] = field(default_factory=dict)
    #: How the dialect runs the query, worked out on its first run and kept
    #: (the positional text, the parameter order, the result's column names).
    plan: Any = field(default=None, init=False, repr=False, compare=False)

    @property
    def tag(self) -> str:
        """The comment every statement of this query starts with (see the module doc)."""
        return tag(self.name)

    @property
    def params(self) -> tuple[str, ...]:
        """The parameter names, in order of first use."""
        return self.statement.params

    @property
    def list_params(self) -> frozenset[str]:
        """The parameters written as ``= ANY(:p)``, which take a list."""
        return self.statement.list_params

    @property
    def in_params(self) -> frozenset[str]:
        """The parameters written as items of ``IN (...)``, which take one value each."""
        return self.statement.in_params

    def check_params(self, params: Mapping[str, Any]) -> None:
        """Raise ``ParameterError`` unless ``params`` has exactly this query's names.

        A list, tuple or set given for an ``IN (:p)`` item is refused too: it
        would be compared whole with each row's value and silently match
        nothing; ``= ANY(:p)`` is the form that takes a list.
        """
        # Statements come here only when the dialect's plan cannot vouch for them:
        # names that do not match, or a query with IN-list items to look at.
        given, names = set(params), set(self.statement.params)
        if given != names:
            raise ParameterError(
                self.name, missing=names - given, unexpected=given - names, path=self.path
            )
        for name in self.statement.in_params:
            if isinstance(params[name], _LIST_TYPES):
                raise self._list_in_error(name, params[name])

    def _list_in_error(self, name: str, value: object) -> ParameterError:
        err = ParameterError(self.name, path=self.path)
        err.message = (
            f"parameter :{name} is a {type(value).__name__}, but 'IN (:{name})' takes one "
            f"value per item; to match any of a list write '= ANY(:{name})' "
            f"(or '<> ALL(:{name})' for NOT IN)"
        )
        err.args = (err.message,)
        return err


_ANNOTATION = re.compile(r"(returns|reviewed)\s*:\s*(.*)", re.IGNORECASE)
_RETURNS = re.compile(r"(one|many)\s+([A-Za-z_][\w.]*)", re.IGNORECASE)
_REVIEWED = re.compile(r"([a-z][\w-]*)\s*:\s*(\S.*)", re.IGNORECASE)


def _header(text: str) -> tuple[str, Returns | None, dict[str, tuple[str, int]]]:
    """The leading comment (without annotations), its ``returns`` and its ``reviewed`` lines."""
    lines: list[str] = []
    returns: Returns | None = None
    reviewed: dict[str, tuple[str, int]] = {}
    last: str | None = None
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if not stripped.startswith("--"):
            break
        body = stripped[2:].strip()
        found = _ANNOTATION.fullmatch(body)
        if found is None and last is not None and stripped[2:].startswith("   "):
            # An indented line goes on with the reason above it.
            reason, at = reviewed[last]
            reviewed[last] = (f"{reason} {body}", at)
            continue
        last = None
        if found is None:
            lines.append(body)
            continue
        key, value = found.group(1).lower(), found.group(2).strip()
        if key == "returns" and (kind := _RETURNS.fullmatch(value)) and returns is None:
            returns = Returns(kind.group(1).lower() == "many", kind.group(2), number)
        elif key == "reviewed" and (why := _REVIEWED.fullmatch(value)):
            last = why.group(1).lower()
            reviewed[last] = (why.group(2).strip(), number)
        else:
            form = "one|many Model, once" if key == "returns" else "<rule>: <reason>"
            raise SqlSyntaxError(f"'-- {body}' is not '-- {key}: {form}'", number)
    return "\n".join(lines).strip(), returns, reviewed


def query_name(root: Path, path: Path) -> tuple[str, str | None]:
    """The query a file below ``root`` holds, and the dialect it is for (None: every one).

    ``users/get.sql`` is ``users.get`` for every dialect; ``users/get.sqlite.sql``
    is ``users.get`` for SQLite alone.
    """
    # The dialects import this module: their registry is asked only when a file is named.
    from sqlstore.dialects import dialect_names

    parts = list(path.relative_to(root).with_suffix("").parts)
    dialect = None
    stem, _, last = parts[-1].rpartition(".")
    if stem and last in dialect_names():
        dialect, parts[-1] = last, stem
    return ".".join(parts), dialect


class Registry:
    """The named queries of one store, rendered for its dialect."""

    def __init__(self, queries: Mapping[str, Query], dialect: str):
        self._queries = dict(queries)
        self.dialect = dialect

    @classmethod
    def load(
        cls,
        dirs: Sequence[Path],
        dialect: str,
        render: Callable[[Statement], str],
        *,
        failures: list[QueryError] | None = None,
    ) -> Registry:
        """Read every ``*.sql`` file below ``dirs``; later folders override earlier ones.

        A file that cannot be parsed or rendered raises ``QueryError``; with a
        ``failures`` list it is added there instead, and its query left out.
        """
        queries: dict[str, Query] = {}
        failed: dict[str, QueryError] = {}
        for root in dirs:
            root = Path(root)
            if not root.is_dir():
                raise QueryError(f"SQL folder {root} does not exist")
            chosen: dict[str, tuple[Path, bool]] = {}
            for path in sorted(root.rglob("*.sql")):
                name, file_dialect = query_name(root, path)
                if file_dialect not in (None, dialect):
                    continue
                specific = file_dialect is not None
                if name not in chosen or specific:
                    chosen[name] = (path, specific)
            for name, (path, _) in chosen.items():
                # Only the file that would run counts: a later folder's replaces it.
                try:
                    queries[name] = cls._load_file(name, path, render)
                    failed.pop(name, None)
                except QueryError as exc:
                    if failures is None:
                        raise
                    queries.pop(name, None)
                    failed[name] = exc
        if failures is not None:
            failures.extend(failed.values())
        return cls(queries, dialect)

    @staticmethod
    def _load_file(name: str, path: Path, render: Callable[[Statement], str]) -> Query:
        data = path.read_bytes()
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            message = f"line {line}: not UTF-8 text ({exc.reason})"
            raise QueryError(message, query=name, path=path) from exc
        try:
            statement = parse(text)
            sql = tag(name) + render(statement)
            header, returns, reviewed = _header(text)
        except SqlSyntaxError as exc:
            raise QueryError(str(exc), query=name, path=path) from exc
        return Query(name, path, header, statement, sql, returns, reviewed)

    def get(self, name: str) -> Query:
        """The query called ``name``; ``QueryNotFound`` names the closest ones."""
        try:
            return self._queries[name]
        except KeyError:
            closest = difflib.get_close_matches(name, self._queries, n=3, cutoff=0.5)
            raise QueryNotFound(name, closest, dialect=self.dialect) from None

    @property
    def queries(self) -> Mapping[str, Query]:
        """Every query by name (read-only: the registry is fixed once loaded)."""
        return self._queries

    def __contains__(self, name: object) -> bool:
        return name in self._queries

    def __iter__(self) -> Iterator[Query]:
        return iter(sorted(self._queries.values(), key=lambda q: q.name))

    def __len__(self) -> int:
        return len(self._queries)
