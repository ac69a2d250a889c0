"""The one update convention every ``ThingUpdate`` follows: only the fields given change.

A field the caller gave (``VideoUpdate(path=None)``, or set after
construction) changes, to ``NULL`` too where the column may be ``NULL``; a
field left out stays as it is. ``params()`` sends each field with a
``set_<field>`` flag, and the table's ``update.sql`` writes
``col = CASE WHEN :set_col THEN :col ELSE col END``.
"""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, SecretStr, ValidationInfo, field_validator

__all__ = ["Update", "reveal"]


def reveal(value: Any) -> Any:
    """A secret's value, to send to the database; anything else as it is."""
    return value.get_secret_value() if isinstance(value, SecretStr) else value


class Update(BaseModel):
    """Base of every ``ThingUpdate``: only the fields given change.

    A field given as ``None`` sets a nullable column to NULL; for a column
    that may not be NULL (listed in ``not_null``) it is refused, when the
    model is built and when a field is set afterwards.
    """

    model_config = ConfigDict(extra="forbid", protected_namespaces=(), validate_assignment=True)

    not_null: ClassVar[frozenset[str]] = frozenset()

    # A field validator, not a model one: it sees only the fields given, and
    # refuses a bad assignment before the model holds it.
    @field_validator("*")
    @classmethod
    def _refuse_null(cls, value: Any, info: ValidationInfo) -> Any:
        if value is None and info.field_name in cls.not_null:
            raise ValueError(f"{info.field_name} cannot be set to null")
        return value

    def given(self) -> dict[str, Any]:
        """Only the fields the caller gave, with their values (secrets revealed, for the query)."""
        return {k: reveal(v) for k, v in self.model_dump(exclude_unset=True).items()}

    def params(self) -> dict[str, Any]:
        """Query parameters: each field's value and a ``set_<field>`` flag: was it given?"""
        given = self.given()
        params: dict[str, Any] = {}
        for name in type(self).model_fields:
            params[name] = given.get(name)
            params[f"set_{name}"] = name in given
        return params
