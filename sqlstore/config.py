"""Resolve where the database is and how to talk to it.

Order: an explicit URL, ``DATABASE_URL``, ``DB_CONFIG`` (the media SDK's JSON),
the ``DB_*`` variables (the agent framework's), and finally the embedded
default ``sqlite:///data/sqlstore.db``. A password never appears in a message
or ``repr``: ``DatabaseURL`` shows ``***`` in its place.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit

from sqlstore.errors import ConfigError

if TYPE_CHECKING:
    from sqlstore.dialects.base import Dialect

__all__ = ["DEFAULT_URL", "DatabaseURL", "Settings", "redact", "resolve"]

DEFAULT_URL = "sqlite:///data/sqlstore.db"


def _flag(value: str) -> bool:
    """A URL option's yes or no: ``true``/``false``, ``1``/``0``, ``yes``/``no``, ``on``/``off``."""
    word = value.strip().lower()
    if word in ("1", "true", "yes", "on"):
        return True
    if word in ("0", "false", "no", "off", ""):
        return False
    raise ValueError(value)


def _echo(value: str | bool) -> bool | str:
    """``echo`` in a URL: on, off, or ``params`` (the statements' values shown too)."""
    if isinstance(value, bool):
        return value
    if str(value).strip().lower() in ("params", "parameters"):
        return "params"
    return _flag(str(value))


def _positive(value: str) -> float:
    number = float(value)
    if not number >= 0:
        raise ValueError(value)
    return number


# Settings that may ride in the URL's query string; the rest go to libpq.
_TUNING: dict[str, Any] = {
    "echo": _echo,
    "slow_query_ms": _positive,
    "pool_size": int,
    "max_overflow": int,
    "pool_recycle": float,
    "statement_timeout": float,
    "connect_timeout": float,
    "busy_timeout": float,
    "max_replica_lag": _positive,
    "replica_wait": _positive,
    "replica_check_interval": _positive,
    "jit": _flag,
}
# Options of the URL itself, kept in it (a copy of the URL goes through the
# pooler too) and never sent to libpq.
_URL_FLAGS = frozenset({"pgbouncer"})

# The password of a URL's user info: up to the last ``@`` before a space, since a
# password written unescaped may hold ``/``, ``?``, ``#``, ``@`` or quotes.
_USERINFO = re.compile(r"(//[^\s/@:]*:)\S*@")
# libpq also takes a password as an option. In a URL's query string (after ``?``
# or ``&``) its value runs to the next ``&``, and a piece with no ``=`` after it
# is more of it (an ``&`` left unescaped); in a conninfo it is quoted, or runs to
# a space; in JSON it is a string.
_PASSWORD_IN_QUERY = r"([?&](?:ssl)?password=)(?:[^\s&]|&(?![^\s&]*=))*"
_PASSWORD_OPTION = re.compile(
    _PASSWORD_IN_QUERY
    + r"""|(\b(?:ssl)?password\s*=\s*)(?:'(?:[^'\\]|\\.)*'?|"(?:[^"\\]|\\.)*"?|\S*)"""
    + r"""|("(?:ssl)?password"\s*:\s*)"(?:[^"\\]|\\.)*"?""",
    re.IGNORECASE,
)
# The same in the text of one URL, where a space is part of the value too.
_URL_PASSWORD_OPTION = re.compile(r"([?&](?:ssl)?password=)(?:[^&]|&(?![^&]*=))*", re.IGNORECASE)
_SECRET_OPTIONS = frozenset({"password", "sslpassword"})


def _hidden(match: re.Match[str]) -> str:
    url, conninfo, json_key = match.groups()
    return f"{url or conninfo}***" if json_key is None else f'{json_key}"***"'


def redact(text: str) -> str:
    """Hide every password written in ``text``: in a URL, a query string, a conninfo or JSON."""
    return _PASSWORD_OPTION.sub(_hidden, _USERINFO.sub(r"\1***@", text))


def _unparsed(url: str) -> str:
    """The text of a database URL, parsed or not, shown with nothing of a password.

    The value of a password option is hidden first (it may hold an ``@``).
    Then nothing between ``//`` and the last ``@`` is shown: a password
    written unescaped (with ``/``, ``?``, ``#`` or ``@`` in it) is what usually
    breaks the parse, so no part of the user info is safe to show.
    """
    text = _URL_PASSWORD_OPTION.sub(r"\1***", url)
    scheme, sep, rest = text.partition("//")
    if not sep:
        scheme, rest = "", text
    if "@" in rest:
        rest = "***@" + rest.rpartition("@")[2]
    return redact(scheme + sep + rest)


def _why(exc: ValueError) -> str:
    """Why ``urlsplit`` refused a URL, in words of our own.

    Its messages quote the piece they choke on (``... as 'pa'``, ``netloc
    'u:pa@h' contains invalid characters``), often a piece of a password.
    """
    text = str(exc)
    if "Port" in text:
        return (
            "the port is not a number from 0 to 65535 (is a '/', '?' or '#' unescaped before it?)"
        )
    if "IPv6" in text:
        return "the host is not a valid IPv6 address"
    if "NFKC" in text:
        return "the part before the path holds characters that change under NFKC normalization"
    return "it cannot be parsed"


def _refuse_bare_ampersand(url: str, query: str) -> None:
    """Refuse a password option followed by a piece with no ``=``: an ``&`` left in the password.

    libpq would be handed the rest of the password as an option's name, and
    quote it back in its error.
    """
    secret = False
    for piece in query.split("&") if query else ():
        key, eq, _ = piece.partition("=")
        if eq:
            secret = unquote(key).strip().lower() in _SECRET_OPTIONS
        elif secret:
            raise ConfigError(
                f"bad database URL {_unparsed(url)!r}: the password option is followed by a "
                "piece with no '='; write an '&' in a password as %26"
            )


@dataclass(frozen=True)
class DatabaseURL:
    """A parsed database URL; its ``repr`` and ``str`` hide the password."""

    dialect: str
    database: str
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    host: str | None = None
    port: int | None = None
    options: tuple[tuple[str, str], ...] = ()

    @classmethod
    def parse(cls, url: str) -> tuple[DatabaseURL, dict[str, Any]]:
        """Parse ``url`` into a URL and the tuning settings found in its query string."""
        try:
            parts = urlsplit(url)
            port = parts.port
        except ValueError as exc:
            raise ConfigError(f"bad database URL {_unparsed(url)!r}: {_why(exc)}") from None
        scheme = parts.scheme.lower()
        dialect = _dialect_for_scheme(scheme)
        if dialect is None:
            raise ConfigError(
                f"unknown database URL scheme {scheme or '(none)'!r} in {_unparsed(url)!r}; "
                f"use one of: {', '.join(_url_schemes())}"
            )
        _refuse_bare_ampersand(url, parts.query)
        if "\x00" in unquote(url):
            # libpq would cut its connection string there and connect with the
            # defaults for everything after it (host, port, database...).
            raise ConfigError(f"bad database URL {_unparsed(url)!r}: it holds a NUL character")
        tuning: dict[str, Any] = {}
        options = []
        for key, value in parse_qsl(parts.query, keep_blank_values=True):
            if key in _TUNING:
                try:
                    tuning[key] = _TUNING[key](value)
                except ValueError:
                    raise ConfigError(f"bad value for {key} in {_unparsed(url)!r}") from None
            else:
                if key in _URL_FLAGS:
                    try:
                        _flag(value)
                    except ValueError:
                        raise ConfigError(f"bad value for {key} in {_unparsed(url)!r}") from None
                options.append((key, value))
        if dialect.embedded:
            if any(k in _URL_FLAGS and _flag(v) for k, v in options):
                raise ConfigError(
                    f"pgbouncer=true in {_unparsed(url)!r}: only a server's URL can go through "
                    "PgBouncer"
                )
            database = unquote(parts.netloc + parts.path)
            database = database[1:] if database.startswith("/") else database
            if not database:
                raise ConfigError(f"no database file in {_unparsed(url)!r}; e.g. {DEFAULT_URL}")
            return cls(dialect.name, database, options=tuple(options)), tuning
        if "@" in parts.path or "@" in parts.fragment or any("@" in k for k, _ in options):
            # The user info ended early, at a '/', '?' or '#' of an unescaped
            # password: what follows it (part of that password) would be taken
            # for the database name and shown in every message about it.
            raise ConfigError(
                f"bad database URL {_unparsed(url)!r}: an '@' after the host (is a '/', '?' "
                "or '#' unescaped in the password? percent-encode it, e.g. "
                "urllib.parse.quote(password, safe=''))"
            )
        database = unquote(parts.path.lstrip("/"))
        if not database:
            raise ConfigError(f"no database name in {_unparsed(url)!r}")
        return (
            cls(
                dialect.name,
                database,
                username=unquote(parts.username) if parts.username else None,
                password=unquote(parts.password) if parts.password is not None else None,
                host=parts.hostname,
                port=port,
                options=tuple(options),
            ),
            tuning,
        )

    def render(self, *, scheme: str | None = None, hide_password: bool = True) -> str:
        """The URL as text, by default with ``***`` for the password."""
        scheme = scheme or self.dialect
        options = [
            (k, "***" if hide_password and k.lower() in _SECRET_OPTIONS else v)
            for k, v in self.options
        ]
        query = f"?{urlencode(options, safe='*')}" if options else ""
        if self.embedded:
            return f"{scheme}:///{self.database}{query}"
        auth = ""
        if self.username or self.password:  # a password with an empty user name is kept
            auth = quote(self.username or "", safe="")
            if self.password is not None:
                auth += ":" + ("***" if hide_password else quote(self.password, safe=""))
            auth += "@"
        host = self.host or ""
        if ":" in host:
            host = f"[{host}]"
        port = f":{self.port}" if self.port else ""
        return f"{scheme}://{auth}{host}{port}/{quote(self.database)}{query}"

    def __str__(self) -> str:
        return self.render()

    def __repr__(self) -> str:
        return f"DatabaseURL({self.render()!r})"

    @property
    def embedded(self) -> bool:
        """True when the database is a file (or memory) the URL's path names, not a server."""
        return _dialect_class(self.dialect).embedded

    @property
    def pgbouncer(self) -> bool:
        """True when the URL says it goes through PgBouncer in transaction mode."""
        return any(k == "pgbouncer" and _flag(v) for k, v in self.options)

    @property
    def is_memory(self) -> bool:
        """True for an in-memory embedded database (``sqlite:///:memory:``)."""
        return self.embedded and self.database in (":memory:", "")

    @property
    def path(self) -> Path:
        """The SQLite database file."""
        return Path(self.database)


@dataclass(frozen=True)
class Settings:
    """Everything needed to open a store: the URL and the connection tuning."""

    url: DatabaseURL
    pool_size: int = 5
    max_overflow: int = 10
    pool_recycle: float = 3600.0
    statement_timeout: float = 30.0
    connect_timeout: float = 10.0
    busy_timeout: float = 30.0
    #: Log every statement (``True``), with its parameter values (``"params"``), or not.
    echo: bool | str = False
    #: Log a statement that took longer than this many milliseconds at WARNING.
    slow_query_ms: float | None = None
    #: The server itself, not the pooler: where migrations run when ``url`` goes
    #: through PgBouncer (``connect(url, direct_url=...)``).
    direct_url: DatabaseURL | None = None
    #: Read replicas: ``session(readonly=True)`` goes to a healthy one, round-robin.
    replicas: tuple[DatabaseURL, ...] = ()
    #: A replica further behind than this many seconds is skipped until it catches up.
    max_replica_lag: float = 5.0
    #: How long a read-your-writes session waits for a replica to replay the commit.
    replica_wait: float = 1.0
    #: How often, at most, a replica's health is asked again (seconds).
    replica_check_interval: float = 1.0
    #: PostgreSQL's JIT compilation for sqlstore's sessions (off: see docs/dialects.md).
    jit: bool = False

    @property
    def pgbouncer(self) -> bool:
        """The URL goes through PgBouncer in transaction mode (``?pgbouncer=true``)."""
        return self.url.pgbouncer


def resolve(
    url: str | None = None,
    env: Mapping[str, str] | None = None,
    *,
    direct_url: str | None = None,
    replicas: Sequence[str] | None = None,
    max_replica_lag: float | None = None,
) -> Settings:
    """Resolve the settings from ``url`` or the environment, as the module doc says.

    ``direct_url`` (else ``DATABASE_DIRECT_URL``) is the server's own address
    for a ``url`` that goes through PgBouncer: migrations run there.
    ``replicas`` are read replicas of the database; without them (``None``)
    and without ``url``, ``DATABASE_REPLICA_URLS`` (comma-separated) names them.
    ``max_replica_lag`` (seconds) is also the URL's ``max_replica_lag`` option.
    """
    env = os.environ if env is None else env
    from_env = url is None
    if url is None:
        url = env.get("DATABASE_URL") or None
    tuning: dict[str, Any] = {}
    if url is None and (env.get("DB_CONFIG") or env.get("DB_DRIVER")):
        from sqlstore._env_formats import from_db_config, from_db_vars

        if env.get("DB_CONFIG"):
            url, tuning = from_db_config(env["DB_CONFIG"])
        if url is None:
            url = from_db_vars(env)
    parsed, url_tuning = DatabaseURL.parse(url or DEFAULT_URL)
    tuning.update(url_tuning)
    if direct_url is None and parsed.pgbouncer:
        direct_url = env.get("DATABASE_DIRECT_URL") or None
    if direct_url is not None:
        direct, _ = DatabaseURL.parse(direct_url)
        if direct.pgbouncer or _dialect_class(direct.dialect) is not _dialect_class(parsed.dialect):
            raise ConfigError(
                f"the direct URL {direct} must reach the {parsed.dialect} server itself, "
                "not through PgBouncer"
            )
        tuning["direct_url"] = direct
    if replicas is None and from_env:
        listed = env.get("DATABASE_REPLICA_URLS") or ""
        replicas = [u.strip() for u in listed.split(",") if u.strip()]
    if replicas or max_replica_lag is not None:
        from sqlstore._replica_urls import replica_lag, replica_urls

        if replicas:
            tuning["replicas"] = replica_urls(parsed, replicas)
        if max_replica_lag is not None:
            tuning["max_replica_lag"] = replica_lag(max_replica_lag)
    return Settings(parsed, **tuning)


# The dialects import this module; it asks their registry only when it parses.
def _dialect_for_scheme(scheme: str) -> type[Dialect] | None:
    from sqlstore.dialects import dialect_for_scheme

    return dialect_for_scheme(scheme)


def _dialect_class(name: str) -> type[Dialect]:
    from sqlstore.dialects import dialect_class

    return dialect_class(name)


def _url_schemes() -> tuple[str, ...]:
    from sqlstore.dialects import url_schemes

    return url_schemes()
