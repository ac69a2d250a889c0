"""``List``: the builtin ``list``, for the annotations written inside a DAO class.

A DAO has a method named ``list``, and inside its class body that name hides
the builtin for a type checker (mypy reads ``-> list[User]`` after
``def list`` as the method). ``List`` is the builtin itself, so
``-> List[User]`` means ``-> list[User]`` to mypy, to pyright and to
pydantic's ``validate_call``, wherever the method sits in its class.
"""

from typing import TypeAlias

__all__ = ["List"]

List: TypeAlias = list
