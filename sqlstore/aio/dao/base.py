"""The few helpers every DAO shares."""

from __future__ import annotations

import functools
import inspect
from collections.abc import AsyncIterator, Callable, Iterable
from datetime import timedelta
from functools import cache
from typing import Any, TypeVar
from uuid import UUID

from pydantic import BaseModel, TypeAdapter

from sqlstore.aio.session import AsyncSession
from sqlstore.dao._args import Exact
from sqlstore.dialects import dialect_class
from sqlstore.errors import InvalidInput, NotFound, not_a_session
from sqlstore.results import FAR_FUTURE, Keyset, Page, sign, unsign
from sqlstore.search import parse, terms_plan
from sqlstore.types import utcnow

__all__ = ["MAX_PAGE", "BaseDAO", "atomic", "int_key", "streaming", "uuid_key"]

M = TypeVar("M", bound=BaseModel)

#: The largest page a list call returns; ask for more with keyset paging.
MAX_PAGE = 10_000


@cache
def _list_adapter(model: type[BaseModel]) -> TypeAdapter[list[Any]]:
    # One validator call for a whole result set is much faster than one per row.
    return TypeAdapter(list[model])  # type: ignore[valid-type]


F = TypeVar("F", bound=Callable[..., Any])


def atomic(fn: F) -> F:
    """Mark a DAO method that may write with more than one statement.

    Every public DAO method is all or nothing already; this tells SQLite,
    which undoes a single failed statement by itself, to take a savepoint
    for this one.
    """
    fn.__sqlstore_multi__ = True  # type: ignore[attr-defined]
    return fn


def streaming(fn: F) -> F:
    """Mark a DAO method that returns a stream of models: it is not run as one call.

    It sends nothing itself; each batch of the stream is fetched as a call of
    its own when the stream is read.
    """
    fn.__sqlstore_stream__ = True  # type: ignore[attr-defined]
    return fn


def _as_call(fn: Callable[..., Any]) -> Callable[..., Any]:
    """``fn`` run as one call of its session: if it raises, nothing it did is kept."""
    multi = getattr(fn, "__sqlstore_multi__", False)
    exact: Exact | None = getattr(fn, "__sqlstore_exact__", None)
    if exact is None:

        @functools.wraps(fn)
        def call(self: BaseDAO, /, *args: Any, **kwargs: Any) -> Any:
            session = self.session
            if session._depth:
                return fn(self, *args, **kwargs)
            return session._call(fn, multi, (self, *args), kwargs)

        return call

    method = exact.fn

    @functools.wraps(fn)
    def checked_call(self: BaseDAO, /, *args: Any, **kwargs: Any) -> Any:
        # Arguments already exactly of their classes skip the ``checked`` wrapper
        # as well: one frame less on every DAO call.
        table = exact.table if exact.table is not None else exact.resolve()
        run = method if not kwargs and tuple(map(type, args)) == table.get(len(args)) else fn
        session = self.session
        if session._depth:
            return run(self, *args, **kwargs)
        return session._call(run, multi, (self, *args), kwargs)

    return checked_call


def int_key(raw: Any) -> int:
    """A search cursor's id for a table with integer ids."""
    if isinstance(raw, bool) or not isinstance(raw, int):
        raise TypeError(raw)
    return raw


def uuid_key(raw: Any) -> UUID:
    """A search cursor's id for a table with uuid ids."""
    if not isinstance(raw, str):
        raise TypeError(raw)
    return UUID(raw)


class BaseDAO:
    """A DAO runs named queries on one session and maps rows to models.

    Each public method of a subclass runs as one call of the session (see
    ``AsyncSession.call``): a method that raises leaves the transaction as it was.

    A subclass (one of ours or an app's) reads rows into models with
    ``fetch_model``, ``require_model``, ``fetch_models`` and ``stream_models``,
    checks paging with ``page_params``, pages by keyset with ``fetch_page``
    and ``iter_pages``, and runs other statements on
    ``self.session`` (``execute``, ``execute_many``, ``fetch_value``, ...).
    """

    def __init__(self, session: AsyncSession):
        if hasattr(type(session), "__enter__") or hasattr(type(session), "__aenter__"):
            # ``session = get_session()`` without ``with``: say so now, not at the first call.
            raise not_a_session(session)
        self.session = session

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        for name, attr in list(vars(cls).items()):
            # A generator runs its statements later, each as a call of its own.
            if (
                name.startswith("_")
                or not inspect.isfunction(attr)
                or getattr(attr, "__sqlstore_stream__", False)
                or inspect.isasyncgenfunction(inspect.unwrap(attr))
            ):
                continue
            setattr(cls, name, _as_call(attr))

    # Defined here, not on a subclass, so that __init_subclass__ does not wrap them:
    # they run inside the public method that uses them, as part of its call.

    async def fetch_model(self, model: type[M], query: str, /, **params: Any) -> M | None:
        """The named query's first row as a ``model``, or ``None`` if it returns no row."""
        row = await self.session._row(query, params)
        return None if row is None else model.model_validate(row)

    async def require_model(self, model: type[M], query: str, what: str, /, **params: Any) -> M:
        """The named query's first row as a ``model``; ``NotFound`` if there is none."""
        found = await self.fetch_model(model, query, **params)
        if found is None:
            key = ", ".join(f"{k}={v}" for k, v in params.items())
            raise NotFound(f"no {what} with {key}")
        return found

    async def fetch_models(self, model: type[M], query: str, /, **params: Any) -> list[M]:
        """All rows of the named query as ``model`` instances, validated in one pass."""
        rows = await self.session._rows(query, params)
        result: list[M] = _list_adapter(model).validate_python(rows)
        return result

    async def stream_models(
        self, model: type[M], query: str, /, batch_size: int = 1000, **params: Any
    ) -> AsyncIterator[M]:
        """The named query's rows as ``model`` instances, fetched in batches (bounded memory)."""
        adapter = _list_adapter(model)
        async for rows in self.session.iterate(query, batch_size=batch_size, **params):
            for row in adapter.validate_python(rows):
                yield row

    async def search_page(
        self,
        model: type[M],
        query: str,
        /,
        text: str,
        limit: int,
        after: str | None,
        key: Callable[[Any], Any],
        *,
        terms: bool = False,
    ) -> Page[M]:
        """A page of the named search query's rows for the full-text query ``text``, best first.

        ``text`` is checked and rendered for the dialect before anything is
        sent; ``after`` is a page's ``next`` cursor; ``key`` makes the row id
        type from the cursor's. With ``terms`` the table has a word index
        (``transcript_terms``): ``sqlstore.search.terms_plan`` picks which of the
        query's three statements (``search``, ``search_word``, ``search_prefix``
        beside ``query``) runs; the cursor is ``query``'s whichever ran.
        """
        limit = self.page_params(limit)["limit"]
        dialect = dialect_class(self.session.dialect)
        clause = parse(text)  # once: rendered for the engine, and the plan's units
        rendered = dialect.search_query(clause)
        after_rank: float | None = None
        after_id: Any = None
        scope = {"query": text}
        if after is not None:
            found = unsign(query, scope, after)
            try:
                rank, raw = found
                after_rank, after_id = float(rank), key(raw)
            except (TypeError, ValueError):
                raise InvalidInput("not a search cursor of this table") from None
        # One row more than the page: whether there is a next page, without a count.
        run, params = query, dict[str, Any]()
        if terms:
            plan, params = terms_plan(clause, pairs=dialect.phrase_pairs)
            run = query.rsplit(".", 1)[0] + "." + plan
        rows = await self.session._rows(
            run,
            {
                **params,
                "query": rendered,
                "limit": limit + 1,
                "after_rank": after_rank,
                "after_id": after_id,
            },
        )
        items: list[M] = _list_adapter(model).validate_python(rows[:limit])
        cursor = None
        if len(rows) > limit:
            last = rows[limit - 1]
            cursor = sign(query, scope, [float(last["search_rank"]), last["id"]])
        return Page(items, cursor)

    @staticmethod
    def page_params(limit: int, offset: int = 0) -> dict[str, int]:
        """Checked ``limit``/``offset`` parameters: 1..MAX_PAGE rows from offset 0 or more."""
        if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_PAGE:
            raise InvalidInput(f"limit must be an integer from 1 to {MAX_PAGE}, not {limit!r}")
        if isinstance(offset, bool) or not isinstance(offset, int) or offset < 0:
            raise InvalidInput(f"offset must be a non-negative integer, not {offset!r}")
        return {"limit": limit, "offset": offset}

    @staticmethod
    def select_params(ids: Iterable[Any] | None, /, **filters: Any) -> dict[str, Any]:
        """The parameters of a bulk call's selection: ``ids`` (a list) and the filters.

        A filter ``older_than`` (a ``timedelta``) becomes ``created_before``.

        A call that names no row (no ``ids`` and every filter ``None``) is
        ``InvalidInput``: nothing is ever updated or deleted by accident.
        """
        if ids is None and all(v is None for v in filters.values()):
            raise InvalidInput("name the rows: give ids or at least one filter")
        if isinstance(ids, str | bytes):
            raise InvalidInput("ids must be a list of ids, not one string")
        if "older_than" in filters:
            # An age filter is the time rows were created before; none: before every time.
            older_than = filters.pop("older_than")
            if older_than is not None and older_than < timedelta(0):
                raise InvalidInput(f"older_than must not be negative, not {older_than}")
            filters["created_before"] = FAR_FUTURE if older_than is None else utcnow() - older_than
        return {"by_ids": ids is not None, "ids": [] if ids is None else list(ids), **filters}

    async def fetch_page(
        self,
        model: type[M],
        query: str,
        /,
        keyset: Keyset,
        limit: int,
        after: str | None,
        filters: dict[str, Any],
        **params: Any,
    ) -> Page[M]:
        """A page of the named keyset query (it takes the filters, ``:after_<key>`` and ``:limit``).

        One row more than ``limit`` is read to know whether a next page exists.
        """
        limit = self.page_params(limit)["limit"]
        rows = await self.fetch_models(
            model,
            query,
            **filters,
            **params,
            **keyset.params(query, filters, after),
            limit=limit + 1,
        )
        return keyset.page(query, filters, rows, limit)

    async def iter_pages(
        self, lister: Callable[..., Any], batch_size: int, /, **filters: Any
    ) -> AsyncIterator[M]:
        """Every row of ``lister`` (a ``list`` method), one keyset page of ``batch_size`` at a time.

        Memory holds one page; each page is a call of its own.
        """
        after: str | None = None
        while True:
            page: Page[M] = await lister(**filters, limit=batch_size, after=after)
            for item in page:
                yield item
            if page.next is None:
                return
            after = page.next
