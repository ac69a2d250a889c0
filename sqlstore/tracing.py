"""What ran: the ``sqlstore.sql`` log and OpenTelemetry spans, one record per statement.

A store reads its settings once, when it opens (``echo``, ``slow_query_ms``);
each session then asks once, when it begins, whether anything is to be
recorded: ``echo``, a slow-statement threshold, the ``sqlstore.sql`` logger
enabled for DEBUG, or an OpenTelemetry tracer provider that the application
set. Only then is its connection wrapped (``sqlstore.aio._traced``); a
session with nothing to record runs the statements as if this module did
not exist.

sqlstore never imports OpenTelemetry itself: it uses ``opentelemetry.trace``
only when the application has imported it and set a tracer provider. Nor
does it import ``logging`` until a store asks for ``echo`` or a slow-statement
threshold: a process that never imported it cannot have turned the logger on.
"""

from __future__ import annotations

import re
import sys
import time
from collections.abc import Mapping
from pathlib import Path
from types import ModuleType, TracebackType
from typing import TYPE_CHECKING, Any

from sqlstore.config import Settings, redact
from sqlstore.queries import Query

if TYPE_CHECKING:
    import logging

__all__ = ["LOGGER_NAME", "SessionTrace", "StatementTrace", "Tracing", "shown_params"]

#: The logger of every statement: DEBUG for each, WARNING for a slow one.
LOGGER_NAME = "sqlstore.sql"
_DEBUG, _WARNING = 10, 30

_OTEL = "opentelemetry.trace"
# A parameter whose name says it holds a secret is never shown, whatever its type.
_SECRET_NAME = r"(?i)pass|secret|token|credential|api_?key|private"
_LONGEST = 200


def shown_params(params: Mapping[str, Any]) -> str:
    """The parameters as the log shows them: secrets hidden, long values cut, passwords redacted."""
    shown = []
    for name, value in params.items():
        if re.search(_SECRET_NAME, name):
            text = "***"
        elif isinstance(value, bytes | bytearray | memoryview):
            text = f"<{len(value)} bytes>"
        else:
            # A pydantic SecretStr's repr is masked already.
            text = repr(value)
            if len(text) > _LONGEST:
                text = text[:_LONGEST] + "..."
        shown.append(f"{name}={text}")
    return redact(", ".join(shown))


class Tracing:
    """A store's tracing settings, read when it opens; ``traced`` asks once per session."""

    __slots__ = ("_files", "_logger", "_provider", "_tracer", "dialect", "echo", "params", "slow")

    def __init__(self, settings: Settings, dialect: str):
        self.dialect = dialect
        #: Log every statement, whatever the logger's level (``echo=True``).
        self.echo = bool(settings.echo)
        #: Show the parameter values too (``echo="params"``).
        self.params = settings.echo == "params"
        #: Statements slower than this many seconds are logged at WARNING.
        self.slow = None if settings.slow_query_ms is None else settings.slow_query_ms / 1000
        self._files: dict[str, str] = {}
        self._provider: object = None
        self._tracer: Any = None
        self._logger: logging.Logger | None = None
        if self.echo or self.slow is not None:
            self.logger()

    def logger(self) -> logging.Logger | None:
        """The ``sqlstore.sql`` logger; None while nothing has imported ``logging``."""
        if self._logger is None:
            module = sys.modules.get("logging")
            if module is not None:
                self._logger = module.getLogger(LOGGER_NAME)
            elif self.echo or self.slow is not None:
                import logging

                self._logger = logging.getLogger(LOGGER_NAME)
        return self._logger

    def session(self) -> SessionTrace | None:
        """What this session records, or None when nothing is asked for."""
        logger = self._logger or self.logger()
        log = logger is not None and (self.echo or logger.isEnabledFor(_DEBUG))
        slow = self.slow
        if slow is not None and not logger.isEnabledFor(_WARNING):  # type: ignore[union-attr]
            slow = None
        otel = sys.modules.get(_OTEL)
        tracer = None if otel is None else self._otel_tracer(otel)
        if not (log or slow is not None or tracer is not None):
            return None
        return SessionTrace(self, logger, log, slow, tracer, otel)

    def _otel_tracer(self, otel: ModuleType) -> Any:
        """The tracer of the provider the application set; None while it has set none."""
        provider = otel.get_tracer_provider()
        if isinstance(provider, otel.ProxyTracerProvider | otel.NoOpTracerProvider):
            return None
        if provider is not self._provider:
            from sqlstore import __version__

            self._tracer = provider.get_tracer("sqlstore", __version__)
            self._provider = provider
        return self._tracer

    def file(self, query: Query) -> str:
        """The query's file as the log shows it: below the working directory, relative."""
        shown = self._files.get(query.name)
        if shown is None:
            try:
                shown = str(query.path.resolve().relative_to(Path.cwd().resolve()))
            except (ValueError, OSError):
                shown = str(query.path)
            self._files[query.name] = shown
        return shown


class SessionTrace:
    """What one session records of each statement: a log line, a span, or both."""

    __slots__ = ("_logger", "_otel", "log", "slow", "tracer", "tracing")

    def __init__(
        self,
        tracing: Tracing,
        logger: logging.Logger | None,
        log: bool,
        slow: float | None,
        tracer: Any,
        otel: Any,
    ) -> None:
        self.tracing = tracing
        self._logger = logger
        self.log = log
        self.slow = slow
        self.tracer = tracer
        self._otel = otel

    def statement(self, query: Query, params: Mapping[str, Any] | None) -> StatementTrace:
        """A context manager around one statement: times it, spans it, logs it when it ends."""
        return StatementTrace(self, query, params)

    def _span(self, query: Query) -> Any:
        # Not made the current span: a statement has no children, and an
        # ``iterate`` stream's span outlives the calls that read it.
        return self.tracer.start_span(
            query.name,
            kind=self._otel.SpanKind.CLIENT,
            attributes={
                "db.system": self.tracing.dialect,
                "db.operation": query.statement.kind,
                "db.statement": query.sql,
                "code.filepath": str(query.path),
                "sqlstore.query": query.name,
            },
        )

    def _end_span(self, span: Any, rows: int | None, error: BaseException | None) -> None:
        if rows is not None:
            span.set_attribute("sqlstore.rows", rows)
        if error is not None:
            span.record_exception(error)
            span.set_status(self._otel.Status(self._otel.StatusCode.ERROR, type(error).__name__))
        span.end()

    def _log(
        self,
        query: Query,
        params: Mapping[str, Any] | None,
        seconds: float,
        rows: int | None,
        error: BaseException | None,
    ) -> None:
        slow = self.slow is not None and seconds >= self.slow
        if not (slow or self.log):
            return
        level = _WARNING if slow else _DEBUG
        tracing, logger = self.tracing, self._logger
        assert logger is not None  # set whenever log or slow is
        file = tracing.file(query)
        ms = seconds * 1000
        if error is not None:
            what = f"failed ({type(error).__name__}) after {ms:.3f} ms"
        else:
            what = f"{rows} row{'' if rows == 1 else 's'} in {ms:.3f} ms"
        message = f"{query.name}: {what} [{file}]"
        if slow:
            message = f"slow statement (over {self.slow * 1000:g} ms): {message}"  # type: ignore[operator]
        shown = None
        if tracing.params and params:
            shown = shown_params(params)
            message += f" params: {shown}"
        extra = {
            "sql_query": query.name,
            "sql_file": file,
            "duration_ms": ms,
            "rows": rows,
            "sql_params": shown,
        }
        if logger.isEnabledFor(level):
            logger.log(level, "%s", message, extra=extra)
        elif tracing.echo:
            # echo=True logs whatever the logger's level is, as SQLAlchemy's echo does;
            # with no handler anywhere, to stderr.
            record = logger.makeRecord(logger.name, level, __file__, 0, "%s", (message,), None)
            record.__dict__.update(extra)
            (logger if logger.hasHandlers() else _stderr()).handle(record)


_STDERR: logging.Handler | None = None


def _stderr() -> logging.Handler:
    """The handler echo writes to when the application configured none."""
    import logging

    global _STDERR
    if _STDERR is None:
        _STDERR = logging.StreamHandler(sys.stderr)
        _STDERR.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))
    return _STDERR


class StatementTrace:
    """One statement being traced: ``with`` it around the driver call, setting ``rows``."""

    __slots__ = ("_span", "_start", "params", "query", "rows", "session")

    def __init__(self, session: SessionTrace, query: Query, params: Mapping[str, Any] | None):
        self.session = session
        self.query = query
        self.params = params
        #: The rows read or changed, set by the caller before the block ends.
        self.rows: int | None = None

    def __enter__(self) -> StatementTrace:
        session = self.session
        self._span = None if session.tracer is None else session._span(self.query)
        self._start = time.perf_counter()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        seconds = time.perf_counter() - self._start
        if isinstance(error, GeneratorExit):
            # A stream closed early by its reader: not a failure.
            error = None
        session = self.session
        if self._span is not None:
            session._end_span(self._span, self.rows, error)
        session._log(self.query, self.params, seconds, self.rows, error)
