"""``sqlstore check``: a query's result columns against the model its ``-- returns:`` names.

A model's field accepts a column when Pydantic (lax mode, as the DAOs
validate) can turn that kind of value into the field's type: an integer
into ``int``, ``float``, ``bool`` or ``Decimal``; text into ``str``, an
enum, ``UUID``, ``datetime`` or JSON (SQLite stores ids, times and JSON as
text); JSON into ``dict``, ``list`` or a model. A union accepts what any of
its members accepts; ``Any`` and a class this table does not know accept
everything. A column whose kind the database does not say (an expression on
SQLite) is not type-checked.
"""

from __future__ import annotations

import enum
import importlib
import types
import typing
from collections.abc import Mapping, Sequence
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID

from pydantic import BaseModel

from sqlstore.dialects.base import ResultColumn

__all__ = ["accepted_kinds", "column_problems", "resolve_model"]

_NUMBERS = frozenset({"integer", "float", "numeric"})
_JSON = frozenset({"json", "text"})
# Checked in order: bool before int (bool is an int), str before an enum's other bases.
_ACCEPTS: tuple[tuple[type, frozenset[str]], ...] = (
    (bool, frozenset({"boolean", "integer"})),
    (enum.Enum, frozenset()),  # by its values' type, below
    (int, frozenset({"integer", "numeric", "boolean"})),
    (float, _NUMBERS),
    (Decimal, _NUMBERS),
    (str, frozenset({"text"})),
    (UUID, frozenset({"uuid", "text"})),
    (datetime, frozenset({"timestamp", "text"})),
    (date, frozenset({"date", "text"})),
    (time, frozenset({"time", "text"})),
    (timedelta, frozenset({"interval", "text", "integer", "float", "numeric"})),
    (bytes, frozenset({"bytes"})),
    (list, frozenset({"array", "json", "text"})),
    (tuple, frozenset({"array", "json", "text"})),
    (set, frozenset({"array", "json", "text"})),
    (frozenset, frozenset({"array", "json", "text"})),
    (dict, _JSON),
    (BaseModel, _JSON),
)


def resolve_model(name: str) -> type[BaseModel]:
    """The model a ``-- returns:`` line names: a name of ``sqlstore.models``, or dotted.

    Raises ``LookupError`` with the reason when there is no such model.
    """
    module_name, _, attr = name.rpartition(".")
    try:
        module = importlib.import_module(module_name or "sqlstore.models")
    except ImportError as exc:
        raise LookupError(f"model {name}: cannot import {module_name} ({exc})") from None
    found = getattr(module, attr, None)
    if not (isinstance(found, type) and issubclass(found, BaseModel)):
        where = module_name or "sqlstore.models"
        raise LookupError(f"model {name}: {where} has no Pydantic model {attr}")
    return found


def accepted_kinds(annotation: Any) -> frozenset[str] | None:
    """The column kinds a field of this type validates from; None: any kind."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return accepted_kinds(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        kinds: set[str] = set()
        for member in typing.get_args(annotation):
            if member is type(None):
                continue
            got = accepted_kinds(member)
            if got is None:
                return None
            kinds |= got
        return frozenset(kinds)
    if origin is typing.Literal:
        found: set[str] = set()
        for value in typing.get_args(annotation):
            found |= accepted_kinds(type(value)) or set()
        return frozenset(found)
    cls = origin if isinstance(origin, type) else annotation
    if not isinstance(cls, type):
        return None
    for base, accepted in _ACCEPTS:
        if issubclass(cls, base):
            if issubclass(cls, enum.Enum):
                values: set[str] = set()
                for member in cls:
                    values |= accepted_kinds(type(member.value)) or set()
                return frozenset(values)
            return accepted
    return None


def column_problems(
    model: type[BaseModel], columns: Sequence[ResultColumn]
) -> list[tuple[str, str, str | None]]:
    """``(rule, message, column or None)`` for each way the columns cannot make a ``model``."""
    keys = _field_keys(model)
    by_name = {c.name: c for c in columns}
    problems: list[tuple[str, str, str | None]] = []
    for key, (field_name, info) in keys.items():
        if key not in by_name and info.is_required():
            message = f"{model.__name__}.{field_name} is required, but no column {key} is returned"
            problems.append(("returns-column", message, None))
    for column in columns:
        if column.name not in keys:
            if model.model_config.get("extra") == "forbid":
                message = (
                    f"column {column.name} has no field in {model.__name__}, "
                    "which forbids extra fields"
                )
                problems.append(("returns-extra", message, column.name))
            continue
        field_name, info = keys[column.name]
        kinds = accepted_kinds(info.annotation)
        if column.kind is not None and kinds is not None and column.kind not in kinds:
            shown = typing.get_origin(info.annotation) or info.annotation
            type_name = getattr(shown, "__name__", str(shown))
            message = (
                f"column {column.name} is {column.kind}, which does not validate into "
                f"{model.__name__}.{field_name} ({type_name})"
            )
            problems.append(("returns-type", message, column.name))
    return problems


def _field_keys(model: type[BaseModel]) -> Mapping[str, tuple[str, Any]]:
    """``{row key: (field name, FieldInfo)}``: a field is read by its alias if it has one."""
    keys = {}
    for name, info in model.model_fields.items():
        alias = info.validation_alias if isinstance(info.validation_alias, str) else info.alias
        keys[alias or name] = (name, info)
    return keys
