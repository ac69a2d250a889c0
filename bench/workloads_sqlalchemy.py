"""The same work through the SQLAlchemy 2 ORM, as the systems sqlstore replaces do it.

Declarative models mapped onto sqlstore's own tables; ``Session.add`` and
``select`` queries; the prompt usage recorded by select-then-insert, as the
music-generation service did; the unit of work flushes at commit. The ORM
returns its own mapped objects (no Pydantic models), which is the least work
it can do.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from sqlalchemy import (
    JSON,
    DateTime,
    Dialect,
    Float,
    Integer,
    String,
    TypeDecorator,
    Uuid,
    create_engine,
    select,
    tuple_,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from sqlstore.models import GenerationCreate

Json = JSON().with_variant(JSONB(), "postgresql")


class UuidType(TypeDecorator[UUID]):
    """UUID on PostgreSQL; on SQLite the dashed text of sqlstore's schema (the SDK's String(36))."""

    impl = Uuid
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> Any:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(String(36))
        return dialect.type_descriptor(Uuid())

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        if value is not None and dialect.name == "sqlite":
            return str(value)
        return value

    def process_result_value(self, value: Any, dialect: Dialect) -> Any:
        if value is None or isinstance(value, UUID):
            return value
        return UUID(value)


class Base(DeclarativeBase):
    pass


class GenerationRow(Base):
    __tablename__ = "generations"

    id: Mapped[UUID] = mapped_column(UuidType, primary_key=True)
    prompt: Mapped[str] = mapped_column(String)
    model_name: Mapped[str] = mapped_column(String)
    model_version: Mapped[str | None] = mapped_column(String)
    status: Mapped[str] = mapped_column(String, default="pending")
    duration_seconds: Mapped[float] = mapped_column(Float)
    sample_rate: Mapped[int] = mapped_column(Integer)
    channels: Mapped[int] = mapped_column(Integer)
    file_path: Mapped[str] = mapped_column(String)
    file_size_bytes: Mapped[int | None] = mapped_column(Integer)
    generation_time_seconds: Mapped[float | None] = mapped_column(Float)
    error_message: Mapped[str | None] = mapped_column(String)
    metadata_: Mapped[dict[str, Any]] = mapped_column("metadata", Json, default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    completed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class PromptRow(Base):
    __tablename__ = "prompts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    text: Mapped[str] = mapped_column(String, unique=True)
    used_count: Mapped[int] = mapped_column(Integer, default=1)
    first_used_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_used_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class TaskRow(Base):
    __tablename__ = "tasks"

    id: Mapped[UUID] = mapped_column(UuidType, primary_key=True)
    endpoint: Mapped[str] = mapped_column(String)
    data: Mapped[dict[str, Any]] = mapped_column(Json)
    status: Mapped[str] = mapped_column(String)
    priority: Mapped[int] = mapped_column(Integer)
    progress: Mapped[float] = mapped_column(Float)
    result: Mapped[dict[str, Any] | None] = mapped_column(Json)
    num_retries: Mapped[int] = mapped_column(Integer)
    user_id: Mapped[str | None] = mapped_column(String)
    assigned_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    completed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


def engine_for(url: str) -> Any:
    """An engine on sqlstore's database URL (UTC sessions on PostgreSQL)."""
    if url.startswith("sqlite"):
        return create_engine(url)
    return create_engine(
        url.replace("postgresql://", "postgresql+psycopg://", 1),
        connect_args={"options": "-c TimeZone=UTC"},
    )


def now() -> datetime:
    return datetime.now(UTC)


def to_row(new: GenerationCreate, created_at: datetime) -> GenerationRow:
    return GenerationRow(
        id=new.id,
        prompt=new.prompt,
        model_name=new.model_name,
        model_version=new.model_version,
        status="pending",
        duration_seconds=new.duration_seconds,
        sample_rate=new.sample_rate,
        channels=new.channels,
        file_path=new.file_path,
        metadata_=new.metadata,
        created_at=created_at,
    )


class ORMWorkload:
    """One ORM workload; the SQLModel one swaps the mapped classes and the session."""

    name = "sqlalchemy"
    Generation: Any = GenerationRow
    Prompt: Any = PromptRow
    Task: Any = TaskRow
    session_class: Any = Session
    select_: Any = staticmethod(select)

    def __init__(self, dialect: str, url: str):
        self.dialect = dialect
        self.engine = engine_for(url)

    def close(self) -> None:
        self.engine.dispose()

    def _session(self) -> Any:
        return self.session_class(self.engine, expire_on_commit=False)

    def _select(self, statement: Any, session: Any) -> Any:
        return session.scalars(statement)

    def _track(self, session: Any, text: str, at: datetime) -> Any:
        """The service's usage tracking: select the prompt, then update or insert it."""
        P = self.Prompt
        prompt = self._select(self.select_(P).where(P.text == text), session).one_or_none()
        if prompt is None:
            prompt = P(text=text, used_count=1, first_used_at=at, last_used_at=at)
            session.add(prompt)
        else:
            prompt.used_count += 1
            prompt.last_used_at = at
        return prompt

    def insert(self, news: list[GenerationCreate]) -> list[Any]:
        out = []
        with self._session() as session, session.begin():
            for new in news:
                at = now()
                row = self._row(new, at)
                session.add(row)
                self._track(session, new.prompt, at)
                out.append(row)
        return out

    def _row(self, new: GenerationCreate, created_at: datetime) -> Any:
        return to_row(new, created_at)

    def insert_bulk(self, news: list[GenerationCreate]) -> int:
        """add_all (batched INSERTs by the unit of work) and the prompts counted in one go."""
        at = now()
        P = self.Prompt
        with self._session() as session, session.begin():
            rows = [self._row(n, at) for n in news]
            session.add_all(rows)
            counts = Counter(n.prompt for n in news)
            known = {
                p.text: p
                for p in self._select(
                    self.select_(P).where(P.text.in_(list(counts))), session
                ).all()
            }
            for text, n in counts.items():
                if text in known:
                    known[text].used_count += n
                    known[text].last_used_at = at
                else:
                    session.add(P(text=text, used_count=n, first_used_at=at, last_used_at=at))
        return len(rows)

    def get(self, ids: list[UUID]) -> list[Any]:
        with self._session() as session, session.begin():
            return [session.get(self.Generation, id) for id in ids]

    def list(self, status: str, n: int, page: int) -> list[Any]:
        G = self.Generation
        out: list[Any] = []
        with self._session() as session, session.begin():
            while len(out) < n:
                query = self.select_(G).where(G.status == status)
                if out:
                    last = out[-1]
                    query = query.where(
                        tuple_(G.created_at, G.id) < tuple_(last.created_at, last.id)
                    )
                query = query.order_by(G.created_at.desc(), G.id.desc())
                got = self._select(query.limit(min(page, n - len(out))), session).all()
                if not got:
                    break
                out += got
        return out

    def update_status(self, ids: list[UUID]) -> list[Any]:
        out = []
        with self._session() as session, session.begin():
            for id in ids:
                row = session.get(self.Generation, id)
                if row.status == "pending":
                    row.status = "processing"
                    row.error_message = None
                out.append(row)
        return out

    def track_usage(self, texts: list[str]) -> list[Any]:
        with self._session() as session, session.begin():
            return [self._track(session, text, now()) for text in texts]

    def claim(self, batches: int, size: int) -> list[Any]:
        """The SDK's claim: lock candidates with SKIP LOCKED, then update them in Python."""
        T = self.Task
        out: list[Any] = []
        for _ in range(batches):
            with self._session() as session, session.begin():
                query = (
                    self.select_(T)
                    .where(T.status.in_(("created", "not_finished")))
                    .order_by(T.priority.desc(), T.created_at, T.id)
                    .limit(size)
                    .with_for_update(skip_locked=True)
                )
                tasks = self._select(query, session).all()
                at = now()
                for task in tasks:
                    task.status = "assigned"
                    task.progress = 0
                    task.result = None
                    task.num_retries += 1
                    task.assigned_at = at
                    task.completed_at = None
                    task.updated_at = at
                out += tasks
        return out


class SQLAlchemyWorkload(ORMWorkload):
    """SQLAlchemy 2 ORM."""

    name = "sqlalchemy"
