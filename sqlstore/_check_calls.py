"""``sqlstore check``: the DAO calls that name a query, found in their source without running it.

An AST scan of Python modules (``def`` or ``async def``, awaited or not)
finds every call of a session or DAO method that takes a query name:

- ``session.fetch_one("q", a=..)``, ``fetch_all``, ``fetch_value``,
  ``iterate``, ``execute``: the keyword names are the parameters;
  ``session._row("q", {"a": ..})`` and ``_rows``: the dict's keys;
- ``self.fetch_model(Model, "q", a=..)``, ``require_model`` (its third
  argument is a description), ``fetch_models``, ``stream_models``: also the
  model each row is read into, one row or many;
- ``row = session._row("q", ..)`` followed by ``Model.model_validate(row)``
  in the same function: that model, one row.

Only a literal query name counts (an f-string is not known until it runs).
A ``**mapping`` argument hides which names it brings, except
``**self.page_params(...)`` (``limit`` and ``offset``): the names written
out are still checked against the query, but a missing one is not reported.
``execute_many`` and ``copy_in`` take rows, not keywords, and are not
checked.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

__all__ = ["DaoCall", "scan", "scan_source"]

# Method name: (index of the query name, index of the model or None, many rows or None).
_METHODS: dict[str, tuple[int, int | None, bool | None]] = {
    "fetch_one": (0, None, False),
    "fetch_all": (0, None, True),
    "fetch_value": (0, None, None),
    "iterate": (0, None, True),
    "execute": (0, None, None),
    "_row": (0, None, False),
    "_rows": (0, None, True),
    "fetch_model": (1, 0, False),
    "require_model": (1, 0, False),
    "fetch_models": (1, 0, True),
    "stream_models": (1, 0, True),
}
# Keywords of the methods themselves, not query parameters.
_OWN_KEYWORDS = frozenset({"batch_size"})
_PAGE = frozenset({"limit", "offset"})


@dataclass(frozen=True)
class DaoCall:
    """One call that names a query: where, which parameters, which model."""

    query: str
    path: Path
    line: int
    #: The parameter names given by name.
    params: frozenset[str]
    #: False when a ``**mapping`` may bring more names than ``params``.
    complete: bool
    #: The model's name as written (``Task``, ``models.Task``) and where it is imported from.
    model: str | None = None
    model_module: str | None = None
    many: bool | None = None


def scan(paths: Iterable[Path]) -> list[DaoCall]:
    """Every query-naming call in these Python files (folders: their ``*.py``, recursively)."""
    calls = []
    for path in paths:
        files = sorted(Path(path).rglob("*.py")) if Path(path).is_dir() else [Path(path)]
        for file in files:
            calls.extend(scan_source(file.read_text(encoding="utf-8"), file))
    return calls


def scan_source(source: str, path: Path) -> list[DaoCall]:
    """Every query-naming call in one module's source."""
    tree = ast.parse(source, filename=str(path))
    imports = _imports(tree)
    calls: list[DaoCall] = []
    for func in ast.walk(tree):
        if isinstance(func, ast.FunctionDef | ast.AsyncFunctionDef):
            calls.extend(_calls_in(func, path, imports))
    # A call outside any function (module level) is rare; nested functions are walked twice.
    return sorted(set(calls), key=lambda c: (c.line, c.query))


def _imports(tree: ast.Module) -> dict[str, str]:
    """``{local name: module it is imported from}`` for ``from m import Name``."""
    found = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                found[alias.asname or alias.name] = node.module
    return found


def _calls_in(
    func: ast.FunctionDef | ast.AsyncFunctionDef, path: Path, imports: dict[str, str]
) -> Iterator[DaoCall]:
    assigned: dict[str, DaoCall] = {}
    validated: dict[str, tuple[str, int]] = {}
    for node in _own_nodes(func):
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target, value = node.targets[0], node.value
            value = value.value if isinstance(value, ast.Await) else value
            if isinstance(target, ast.Name) and isinstance(value, ast.Call):
                call = _dao_call(value, path, imports)
                if call is not None and call.model is None:
                    assigned[target.id] = call
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "model_validate"
            and len(node.args) == 1
            and isinstance(node.args[0], ast.Name)
        ):
            validated[node.args[0].id] = (_dotted(node.func.value) or "", node.lineno)
    for node in _own_nodes(func):
        if isinstance(node, ast.Call):
            call = _dao_call(node, path, imports)
            if call is None:
                continue
            for var, known in assigned.items():
                if known == call and var in validated and validated[var][0]:
                    model = validated[var][0]
                    module = imports.get(model.partition(".")[0])
                    call = DaoCall(**{**call.__dict__, "model": model, "model_module": module})
            yield call


def _own_nodes(func: ast.AST) -> Iterator[ast.AST]:
    """The nodes of a function's body, not those of functions nested in it."""
    for child in ast.iter_child_nodes(func):
        if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            continue
        yield child
        yield from _own_nodes(child)


def _dao_call(node: ast.Call, path: Path, imports: dict[str, str]) -> DaoCall | None:
    """The call as a ``DaoCall`` if it is one with a literal query name."""
    if not isinstance(node.func, ast.Attribute) or node.func.attr not in _METHODS:
        return None
    at, model_at, many = _METHODS[node.func.attr]
    if len(node.args) <= at or any(isinstance(a, ast.Starred) for a in node.args):
        return None
    name = node.args[at]
    if not (isinstance(name, ast.Constant) and isinstance(name.value, str)):
        return None
    params, complete = _params(node)
    model = _dotted(node.args[model_at]) if model_at is not None else None
    module = imports.get(model.partition(".")[0]) if model else None
    return DaoCall(name.value, path, node.lineno, frozenset(params), complete, model, module, many)


def _params(node: ast.Call) -> tuple[set[str], bool]:
    """The parameter names a call gives, and whether they are all it gives."""
    names: set[str] = set()
    complete = True
    if node.func.attr in ("_row", "_rows"):  # type: ignore[attr-defined]
        if len(node.args) < 2 or not isinstance(node.args[1], ast.Dict):
            return names, False
        for key, value in zip(node.args[1].keys, node.args[1].values, strict=True):
            if isinstance(key, ast.Constant) and isinstance(key.value, str):
                names.add(key.value)
            else:
                got, known = _spread(value if key is None else None)
                names |= got
                complete = complete and known
        return names, complete
    for keyword in node.keywords:
        if keyword.arg is not None:
            if keyword.arg not in _OWN_KEYWORDS:
                names.add(keyword.arg)
            continue
        got, known = _spread(keyword.value)
        names |= got
        complete = complete and known
    return names, complete


def _spread(value: ast.expr | None) -> tuple[set[str], bool]:
    """What ``**value`` brings: a dict literal's keys, ``page_params``' two; else unknown."""
    if (
        isinstance(value, ast.Call)
        and isinstance(value.func, ast.Attribute)
        and value.func.attr == "page_params"
    ):
        return set(_PAGE), True
    if isinstance(value, ast.Dict) and all(
        isinstance(k, ast.Constant) and isinstance(k.value, str) for k in value.keys
    ):
        return {k.value for k in value.keys}, True  # type: ignore[union-attr]
    return set(), False


def _dotted(node: ast.expr) -> str | None:
    """``Name`` or ``a.b.Name`` as text; None for anything else."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute) and (base := _dotted(node.value)):
        return f"{base}.{node.attr}"
    return None
