"""The same work through SQLModel: table models that are Pydantic models and ORM classes."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import Column, DateTime
from sqlmodel import Field, Session, SQLModel, select

from bench.workloads_sqlalchemy import Json, ORMWorkload, UuidType
from sqlstore.models import GenerationCreate


class GenerationTable(SQLModel, table=True):
    __tablename__ = "generations"

    id: UUID = Field(sa_column=Column(UuidType, primary_key=True))
    prompt: str
    model_name: str
    model_version: str | None = None
    status: str = "pending"
    duration_seconds: float
    sample_rate: int
    channels: int
    file_path: str
    file_size_bytes: int | None = None
    generation_time_seconds: float | None = None
    error_message: str | None = None
    # "metadata" is SQLAlchemy's own attribute on a mapped class.
    metadata_: dict[str, Any] = Field(default_factory=dict, sa_column=Column("metadata", Json))
    created_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    completed_at: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True)))


class PromptTable(SQLModel, table=True):
    __tablename__ = "prompts"

    id: int | None = Field(default=None, primary_key=True)
    text: str = Field(unique=True)
    used_count: int = 1
    first_used_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    last_used_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))


class TaskTable(SQLModel, table=True):
    __tablename__ = "tasks"

    id: UUID = Field(sa_column=Column(UuidType, primary_key=True))
    endpoint: str
    data: dict[str, Any] = Field(default_factory=dict, sa_column=Column(Json))
    status: str
    priority: int
    progress: float
    result: dict[str, Any] | None = Field(default=None, sa_column=Column(Json))
    num_retries: int
    user_id: str | None = None
    assigned_at: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True)))
    completed_at: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True)))
    created_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    updated_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))


class SQLModelWorkload(ORMWorkload):
    """SQLModel (on SQLAlchemy 2): ``session.exec(select(...))``."""

    name = "sqlmodel"
    Generation = GenerationTable
    Prompt = PromptTable
    Task = TaskTable
    session_class = Session
    select_ = staticmethod(select)

    def _select(self, statement: Any, session: Any) -> Any:
        return session.exec(statement)

    def _row(self, new: GenerationCreate, created_at: datetime) -> Any:
        return GenerationTable(
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
