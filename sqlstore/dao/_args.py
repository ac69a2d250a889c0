"""``checked``: pydantic's ``validate_call`` without its cost when the arguments are already right.

A DAO method is called millions of times with arguments that already have
their annotated types (a ``UUID``, a member of the status enum). Validating
those changes nothing: pydantic hands the very same object back. So a call
whose every argument is exactly of its plain annotated class (or ``None``
where ``None`` is allowed), and within its bounds where the annotation sets
numeric ones (``Field(ge=0, le=...)``), goes straight to the method. A
parameter whose annotation validation could change (containers, models,
constrained text) may be left to its default; any other call goes through
``validate_call`` as before, built on its first use.
"""

from __future__ import annotations

import functools
import inspect
import math
import types
import typing
from collections.abc import Callable
from datetime import datetime
from enum import Enum
from typing import Any, TypeVar
from uuid import UUID

import annotated_types
from pydantic import types as pydantic_types
from pydantic import validate_call

__all__ = ["Exact", "checked"]

F = TypeVar("F", bound=Callable[..., Any])

# Classes whose exact instances pydantic returns unchanged (lax mode, default config).
_UNCHANGED = (UUID, str, int, float, bool, datetime)


# Numeric bounds of ``Field(...)`` that a value of the exact class can be checked
# against here; the value passes when the test is true.
_BOUNDS: dict[type, Callable[[Any, Any], bool] | None] = {
    annotated_types.Ge: lambda m, v: bool(v >= m.ge),
    annotated_types.Gt: lambda m, v: bool(v > m.gt),
    annotated_types.Le: lambda m, v: bool(v <= m.le),
    annotated_types.Lt: lambda m, v: bool(v < m.lt),
    pydantic_types.Strict: None,  # no test: the exact class is strict already
    pydantic_types.AllowInfNan: lambda m, v: bool(m.allow_inf_nan or math.isfinite(v)),
}

#: (class, None allowed, the value's tests): what a given argument must be.
Want = tuple[type, bool, tuple[Callable[[Any], bool], ...]]


def _bounded(hint: Any) -> tuple[Any, tuple[Callable[[Any], bool], ...]] | None:
    """A number's ``Annotated`` bounds as tests, and the number class; ``None`` for others."""
    base, *extras = typing.get_args(hint)
    if base not in (int, float):
        return None
    tests: list[Callable[[Any], bool]] = []
    for extra in extras:
        for item in getattr(extra, "metadata", [extra]):
            if type(item) not in _BOUNDS:
                return None
            test = _BOUNDS[type(item)]
            if test is not None:
                tests.append(functools.partial(test, item))
    return base, tuple(tests)


def _plain(hint: Any) -> Want | None:
    """What a value must be for validation to return it as it is; ``None`` if none may skip."""
    allows_none = False
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        members = [h for h in typing.get_args(hint) if h is not type(None)]
        if len(members) != 1 or len(typing.get_args(hint)) != 2:
            return None
        hint, allows_none = members[0], True
    tests: tuple[Callable[[Any], bool], ...] = ()
    if typing.get_origin(hint) is typing.Annotated:
        found = _bounded(hint)
        if found is None:
            return None
        hint, tests = found
    if isinstance(hint, type) and (hint in _UNCHANGED or issubclass(hint, Enum)):
        return hint, allows_none, tests
    return None


class _Spec(typing.NamedTuple):
    """What a call must look like to skip validation."""

    #: Each parameter's ``Want``; ``None``: the call must leave it to its default.
    wanted: dict[str, Want | None]
    order: tuple[Want | None, ...]  # the same, in positional order
    names: tuple[str, ...]
    required: tuple[tuple[int, str], ...]  # (position, name) of those without a default
    #: For a call with N positional arguments and no keywords, all given and none
    #: None, none with bounds: the exact classes they must have (one comparison).
    exact: dict[int, tuple[type, ...]]


def _fast_path(fn: Callable[..., Any]) -> _Spec | None:
    """The spec of calls that may skip validation, or ``None`` when none may."""
    hints = typing.get_type_hints(fn, include_extras=True)  # keep Annotated constraints
    wanted: dict[str, Want | None] = {}
    required: list[tuple[int, str]] = []
    for i, param in enumerate(list(inspect.signature(fn).parameters.values())[1:]):  # after self
        if param.kind not in (param.POSITIONAL_OR_KEYWORD, param.KEYWORD_ONLY):
            return None
        plain = _plain(hints.get(param.name))
        if param.default is param.empty:
            if plain is None:
                return None
            required.append((i, param.name))
        wanted[param.name] = plain
    order = tuple(wanted.values())
    exact: dict[int, tuple[type, ...]] = {}
    for n in range(len(required), len(order) + 1):
        if all(want is not None and not want[2] for want in order[:n]):
            exact[n] = tuple(want[0] for want in order[:n] if want is not None)
    return _Spec(wanted, order, tuple(wanted), tuple(required), exact)


def _fits(value: Any, want: Want | None) -> bool:
    """True if validation would hand ``value`` back as it is."""
    if want is None:
        return False
    cls, allows_none, tests = want
    if value is None:
        return allows_none
    return type(value) is cls and all(test(value) for test in tests)


class Exact:
    """The calls of a ``checked`` method that skip even the wrapper (see ``dao.base``).

    ``table`` maps a count of positional arguments to the exact classes they
    must have, when no keyword is given and none is None; it is read on the
    first call, since the hints may name classes defined after the method.
    """

    __slots__ = ("fn", "table")

    def __init__(self, fn: Callable[..., Any]):
        self.fn = fn
        self.table: dict[int, tuple[type, ...]] | None = None

    def resolve(self) -> dict[int, tuple[type, ...]]:
        """Read the method's hints: the table (empty when no call may skip validation)."""
        spec = _fast_path(self.fn)
        self.table = {} if spec is None else spec.exact
        return self.table


def checked(fn: F) -> F:
    """``validate_call`` for a DAO method, skipped when every argument is already exactly right."""
    validated: Callable[..., Any] | None = None
    spec: _Spec | None = None
    resolved = False

    def slow(*args: Any, **kwargs: Any) -> Any:
        nonlocal validated
        if validated is None:
            # Built on first use: its schema costs several milliseconds per method.
            validated = validate_call(fn)
        return validated(*args, **kwargs)

    @functools.wraps(fn)
    def call(self: Any, /, *args: Any, **kwargs: Any) -> Any:
        nonlocal spec, resolved
        if not resolved:
            # Resolved late: the hints may name classes defined after the method.
            spec, resolved = _fast_path(fn), True
        if spec is None or len(args) > len(spec.order):
            return slow(self, *args, **kwargs)
        for value, want in zip(args, spec.order, strict=False):
            if not _fits(value, want):
                return slow(self, *args, **kwargs)
        for name, value in kwargs.items():
            if name not in spec.wanted or name in spec.names[: len(args)]:
                return slow(self, *args, **kwargs)
            if not _fits(value, spec.wanted[name]):
                return slow(self, *args, **kwargs)
        for position, name in spec.required:
            if position >= len(args) and name not in kwargs:
                return slow(self, *args, **kwargs)
        return fn(self, *args, **kwargs)

    call.__sqlstore_exact__ = Exact(fn)  # type: ignore[attr-defined]
    return typing.cast(F, call)
