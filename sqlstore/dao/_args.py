"""``checked``: pydantic's ``validate_call`` without its cost when the arguments are already right.

A DAO method is called millions of times with arguments that already have
their annotated types (a ``UUID``, a member of the status enum). Validating
those changes nothing: pydantic hands the very same object back. So a call
whose every argument is exactly of its plain annotated class (or ``None``
where ``None`` is allowed) goes straight to the method; any other call, and
every method with an annotation that validation could change (constrained
numbers, containers, models), goes through ``validate_call`` as before.
"""

from __future__ import annotations

import functools
import inspect
import types
import typing
from collections.abc import Callable
from datetime import datetime
from enum import Enum
from typing import Any, TypeVar
from uuid import UUID

from pydantic import validate_call

__all__ = ["Exact", "checked"]

F = TypeVar("F", bound=Callable[..., Any])

# Classes whose exact instances pydantic returns unchanged (lax mode, default config).
_UNCHANGED = (UUID, str, int, float, bool, datetime)


def _plain(hint: Any) -> tuple[type, bool] | None:
    """(class, None allowed) for a hint validation returns as it is, else ``None``."""
    allows_none = False
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        members = [h for h in typing.get_args(hint) if h is not type(None)]
        if len(members) != 1 or len(typing.get_args(hint)) != 2:
            return None
        hint, allows_none = members[0], True
    if isinstance(hint, type) and (hint in _UNCHANGED or issubclass(hint, Enum)):
        return hint, allows_none
    return None


class _Spec(typing.NamedTuple):
    """What a call must look like to skip validation."""

    wanted: dict[str, tuple[type, bool]]  # each parameter's (class, None allowed)
    order: tuple[tuple[type, bool], ...]  # the same, in positional order
    names: tuple[str, ...]
    required: tuple[tuple[int, str], ...]  # (position, name) of those without a default
    #: For a call with N positional arguments and no keywords, all given and none
    #: None: the exact classes they must have (one tuple comparison, no loop).
    exact: dict[int, tuple[type, ...]]


def _fast_path(fn: Callable[..., Any]) -> _Spec | None:
    """The spec of calls that may skip validation, or ``None`` when none may."""
    hints = typing.get_type_hints(fn, include_extras=True)  # keep Annotated constraints
    wanted: dict[str, tuple[type, bool]] = {}
    required: list[tuple[int, str]] = []
    for i, param in enumerate(list(inspect.signature(fn).parameters.values())[1:]):  # after self
        if param.kind not in (param.POSITIONAL_OR_KEYWORD, param.KEYWORD_ONLY):
            return None
        plain = _plain(hints.get(param.name))
        if plain is None:
            return None
        wanted[param.name] = plain
        if param.default is param.empty:
            required.append((i, param.name))
    order = tuple(wanted.values())
    classes = tuple(cls for cls, _ in order)
    exact = {n: classes[:n] for n in range(len(required), len(order) + 1)}
    return _Spec(wanted, order, tuple(wanted), tuple(required), exact)


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
    slow = validate_call(fn)
    spec: _Spec | None = None
    resolved = False

    @functools.wraps(fn)
    def call(self: Any, /, *args: Any, **kwargs: Any) -> Any:
        nonlocal spec, resolved
        if not resolved:
            # Resolved late: the hints may name classes defined after the method.
            spec, resolved = _fast_path(fn), True
        if spec is None or len(args) > len(spec.order):
            return slow(self, *args, **kwargs)
        for value, (cls, allows_none) in zip(args, spec.order, strict=False):
            if type(value) is not cls and not (value is None and allows_none):
                return slow(self, *args, **kwargs)
        for name, value in kwargs.items():
            want = spec.wanted.get(name)
            if (
                want is None
                or name in spec.names[: len(args)]
                or (type(value) is not want[0] and not (value is None and want[1]))
            ):
                return slow(self, *args, **kwargs)
        for position, name in spec.required:
            if position >= len(args) and name not in kwargs:
                return slow(self, *args, **kwargs)
        return fn(self, *args, **kwargs)

    call.__sqlstore_exact__ = Exact(fn)  # type: ignore[attr-defined]
    return typing.cast(F, call)
