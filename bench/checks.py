"""The bare driver and sqlstore must build equal models: checked on every run, raised if not."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from bench.common import Inputs

#: Fields set from the clock: two databases written at other moments differ there only.
_TIMES = frozenset(
    {"created_at", "completed_at", "first_used_at", "last_used_at", "assigned_at", "updated_at"}
)


class ModelsDiffer(AssertionError):
    """The hand-written baseline and sqlstore built different models for the same work."""


def _plain(result: Any) -> Any:
    if isinstance(result, int):
        return result
    return [None if m is None else m.model_dump(mode="json", exclude=_TIMES) for m in result]


def _first_difference(a: list[Any], b: list[Any]) -> str:
    if len(a) != len(b):
        return f"{len(a)} models against {len(b)}"
    for i, (x, y) in enumerate(zip(a, b, strict=True)):
        if x != y:
            return f"model {i}: {x!r} != {y!r}"
    return "?"


def digest(operation: str, result: Any) -> str:
    """A result as JSON text without its clock fields: what two timed runs must agree on.

    Text, so that holding one implementation's result while the next runs does
    not grow the heap the garbage collector walks: the implementation that ran
    second would otherwise see fewer full collections and run faster.
    """
    plain = _plain(result)
    if operation.startswith("claim"):
        # Tasks queued within one microsecond may be claimed in either order
        # (their ids break the tie); the tasks claimed must be the same.
        plain = sorted(plain, key=lambda t: str(t["id"]))
    return json.dumps(plain, sort_keys=True)


def same(operation: str, driver: Any, ours: Any, *, times: bool = False) -> None:
    """Raise ``ModelsDiffer`` unless both are equal (clock fields aside, unless ``times``).

    Either side may be a ``digest`` already.
    """
    if times:
        a, b = driver, ours
    else:
        a, b = (x if isinstance(x, str) else digest(operation, x) for x in (driver, ours))
    if a != b:
        if not times:
            a, b = json.loads(a), json.loads(b)
        detail = _first_difference(a, b) if isinstance(a, list) else f"{a} != {b}"
        raise ModelsDiffer(f"{operation}: the driver and sqlstore differ: {detail}")


def compare_timed(operation: str, driver: Any, ours: Any) -> bool:
    """The timed runs wrote their own databases at other moments: equal but for the times."""
    same(operation, driver, ours)
    return True


def compare_one_database(
    dialect: str, url: str, inputs: Inputs, factories: dict[str, Callable[[str, str], Any]]
) -> dict[str, bool]:
    """Read one database both ways (``factories``' driver and sqlstore): equal models, times too."""
    checks: dict[str, bool] = {}
    sample = inputs.get_ids[:50] + [g.id for g in inputs.bulk[:50]]
    bare = factories["driver"](dialect, url)
    ours = factories["sqlstore"](dialect, url)
    try:
        ours_got = ours.get(sample)
        same("get, one database", bare.get(sample), ours_got, times=True)
        checks["get: equal models, one database"] = True
        for status in ("pending", "processing"):
            name = f"list {status}"
            same(name, bare.list(status, 300, 120), ours.list(status, 300, 120), times=True)
            checks[f"{name}: equal models, one database"] = True
        stored = {g.id: g for g in ours_got if g is not None}
        for g in inputs.bulk[:50]:
            if g.id not in stored or stored[g.id].status != "pending":
                raise ModelsDiffer(f"bulk insert: {g.id} not stored as pending")
            if stored[g.id].model_dump(include=set(type(g).model_fields)) != g.model_dump():
                raise ModelsDiffer(f"bulk insert: {g.id} stored otherwise than given")
        checks["bulk insert stored what it was given"] = True
    finally:
        bare.close()
        ours.close()
    return checks
