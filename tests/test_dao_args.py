"""``checked`` skips validation only where validation would change nothing."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Annotated, Any

import pytest
from pydantic import AfterValidator, Field, ValidationError

from sqlstore.dao._args import checked
from sqlstore.models import GenerationStatus


def _no_x(text: str) -> str:
    if "x" in text:
        raise ValueError("no x, please")
    return text


NoX = Annotated[str, AfterValidator(_no_x)]


class Calls:
    """Records what each method received."""

    def __init__(self) -> None:
        self.seen: list[tuple[Any, ...]] = []

    @checked
    def plain(self, id: uuid.UUID, status: GenerationStatus | None = None, n: int = 1) -> None:
        self.seen.append((id, status, n))

    @checked
    def listed(self, ids: list[uuid.UUID]) -> None:
        self.seen.append((ids,))

    @checked
    def constrained(self, text: NoX | None = None) -> None:
        self.seen.append((text,))

    @checked
    def stamped(self, when: datetime, text: str) -> None:
        self.seen.append((when, text))


def test_exact_arguments_reach_the_method_as_they_are() -> None:
    calls, id = Calls(), uuid.uuid4()
    calls.plain(id, GenerationStatus.PENDING, 3)
    calls.plain(id, status=None, n=2)
    calls.plain(id=id)
    assert calls.seen == [(id, GenerationStatus.PENDING, 3), (id, None, 2), (id, None, 1)]
    assert calls.seen[0][0] is id


def test_other_arguments_are_validated_as_validate_call_does() -> None:
    calls, id = Calls(), uuid.uuid4()
    calls.plain(str(id), "processing", True)  # text, a status name, a bool for an int
    got = calls.seen[-1]
    assert got == (id, GenerationStatus.PROCESSING, 1)
    assert type(got[0]) is uuid.UUID and type(got[1]) is GenerationStatus and type(got[2]) is int
    calls.listed([str(id)])  # a container is always validated
    assert calls.seen[-1] == ([id],)
    naive = datetime(2026, 1, 1)
    calls.stamped(naive, "x")
    assert calls.seen[-1] == (naive, "x")
    calls.stamped("2026-01-01T00:00:00Z", "y")
    assert calls.seen[-1] == (datetime(2026, 1, 1, tzinfo=UTC), "y")


@pytest.mark.parametrize(
    ("args", "kwargs"),
    [
        (("not a uuid",), {}),
        ((uuid.uuid4(), "no such status"), {}),
        ((uuid.uuid4(),), {"n": "many"}),
        ((uuid.uuid4(),), {"unknown": 1}),
        ((uuid.uuid4(),), {"id": uuid.uuid4()}),  # given twice
        ((uuid.uuid4(), None, 1, 2), {}),  # one too many
        ((), {}),  # id missing
    ],
)
def test_bad_calls_are_refused_by_pydantic(args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    calls = Calls()
    with pytest.raises(ValidationError):
        calls.plain(*args, **kwargs)
    assert calls.seen == []


def test_an_annotated_constraint_is_always_checked() -> None:
    calls = Calls()
    calls.constrained("fine")
    calls.constrained(None)
    with pytest.raises(ValidationError, match="no x"):
        calls.constrained("x marks the spot")
    assert calls.seen == [("fine",), (None,)]


Count = Annotated[int, Field(strict=True, ge=0, le=10)]
Seconds = Annotated[float, Field(gt=0, allow_inf_nan=False)]


def bounded() -> Any:
    """A fresh class (its validator not built yet) with numeric bounds and a container."""

    class Bounded:
        def __init__(self) -> None:
            self.seen: list[tuple[Any, ...]] = []

        @checked
        def count(self, n: Count, wait: Seconds | None = None, tags: list[NoX] = []) -> None:  # noqa: B006
            self.seen.append((n, wait, tags))

    return Bounded()


def test_numbers_within_their_bounds_skip_validation(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = bounded()
    # The fast path builds no validator: make building one fail, to see it is not used.
    monkeypatch.setattr("sqlstore.dao._args.validate_call", _no_validation)
    calls.count(3)
    calls.count(0, 1.5)
    calls.count(n=10, wait=None)
    assert calls.seen == [(3, None, []), (0, 1.5, []), (10, None, [])]


def _no_validation(fn: Any) -> Any:
    raise AssertionError("validate_call was used")


@pytest.mark.parametrize(
    ("args", "kwargs"),
    [
        ((11,), {}),  # above le
        ((-1,), {}),  # below ge
        ((True,), {}),  # a bool is not a strict int
        ((1, 0.0), {}),  # not gt 0
        ((1, float("inf")), {}),  # not finite
        ((1,), {"tags": ["x"]}),  # a container is validated: no x allowed
    ],
)
def test_numbers_out_of_bounds_and_containers_go_to_pydantic(
    args: tuple[Any, ...], kwargs: dict[str, Any]
) -> None:
    calls = bounded()
    with pytest.raises(ValidationError):
        calls.count(*args, **kwargs)
    assert calls.seen == []


def test_a_container_given_is_validated_and_passed_on() -> None:
    calls = bounded()
    calls.count(1, tags=["fine"])
    assert calls.seen == [(1, None, ["fine"])]
