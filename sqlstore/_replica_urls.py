"""The read replicas of ``connect(url, replicas=[...])``, checked against the primary's URL."""

from __future__ import annotations

import re
from collections.abc import Sequence

from sqlstore.config import DatabaseURL, _dialect_class
from sqlstore.errors import ConfigError, InvalidInput

__all__ = ["check_position", "read_after", "replica_lag", "replica_urls"]

_POSITION = re.compile(r"[0-9A-Fa-f]{1,8}/[0-9A-Fa-f]{1,8}")


def replica_urls(primary: DatabaseURL, urls: Sequence[str]) -> tuple[DatabaseURL, ...]:
    """The replica URLs, each of the primary's dialect; refused where there are no replicas."""
    if isinstance(urls, str):
        raise ConfigError("replicas must be a list of URLs, not one string")
    kind = _dialect_class(primary.dialect)
    if not kind.read_replicas:
        raise ConfigError(
            f"{primary.dialect} has no read replicas ({primary}): replicas= needs a database "
            "server that streams its changes to replicas, such as PostgreSQL"
        )
    found = []
    for text in urls:
        replica, tuning = DatabaseURL.parse(text)
        if _dialect_class(replica.dialect) is not kind:
            raise ConfigError(f"the replica {replica} is not a {primary.dialect} URL")
        if tuning:
            raise ConfigError(
                f"the replica {replica} sets {', '.join(sorted(tuning))}: a replica takes the "
                "primary's settings; set them on the primary's URL"
            )
        found.append(replica)
    return tuple(found)


def replica_lag(value: float) -> float:
    """``max_replica_lag`` as seconds; refused unless a number >= 0."""
    if not isinstance(value, int | float) or not value >= 0:
        raise ConfigError(f"max_replica_lag must be a number of seconds >= 0, not {value!r}")
    return float(value)


def check_position(after: object) -> None:
    """Refuse an ``after=`` that is not a commit position (``Session.commit_position``)."""
    if after is not None and not (isinstance(after, str) and _POSITION.fullmatch(after)):
        raise InvalidInput(
            f"after={after!r} is not a commit position (a session's commit_position, "
            "such as '0/16B3748')"
        )


def read_after(
    readonly: bool, read_your_writes: bool, after: str | None
) -> tuple[str | None, bool] | None:
    """``session(read_your_writes=, after=)`` as a block's ``_after``; refused unless read-only."""
    if not (read_your_writes or after is not None):
        return None
    if not readonly:
        # A session that may write runs on the primary: the options would mean nothing.
        given = [f"read_your_writes={read_your_writes!r}"] if read_your_writes else []
        given += [] if after is None else [f"after={after!r}"]
        raise InvalidInput(
            f"session({', '.join(given)}) without readonly=True: these options choose where "
            "a read-only session reads (a replica that has the commit); add readonly=True, "
            "as in store.session(readonly=True, read_your_writes=True). A session that may "
            "write runs on the primary, which has every commit"
        )
    check_position(after)
    return after, read_your_writes
