"""A used copy of a test template made like a new copy again, instead of dropped and copied.

``CREATE DATABASE ... TEMPLATE`` and ``DROP DATABASE`` (a checkpoint on
PostgreSQL 15) cost a short test most of its time. A copy the test left
with the template's schema can be emptied and refilled instead: every other
session on it ended, every table truncated, the rows the template holds
(its migrations' seed rows) copied back as they were, every sequence set
back, the cumulative statistics reset.

Whether the schema is the template's: a copy's catalogs are the template's
byte for byte, so a catalog row that a test inserted or updated has a
transaction id (``xmin``) newer than the last reset (or than the template
itself), and one it deleted shows in the catalog's row count. Statistics
written by ``ANALYZE`` or autovacuum are catalog rows too; the planner's
page and row counts are compared after the truncation. Anything else (an
open prepared transaction, a replication slot, a database-level setting, a
session that will not end) and the copy is not reused: the caller drops it.
Needs a superuser (terminating sessions, loading rows with triggers off,
resetting statistics); without one, or with a materialized view in the
template, there is no recycler and every copy is dropped.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import psycopg
from psycopg import sql

from sqlstore.config import Settings, resolve
from sqlstore.dialects._pg_connect import connect_kwargs

__all__ = ["Recycler", "recycler"]

_CATALOGS = """
SELECT c.relname FROM pg_catalog.pg_class AS c
WHERE c.relnamespace = 'pg_catalog'::regnamespace AND c.relkind = 'r' AND NOT c.relisshared
ORDER BY c.relname
"""
_USER = """
    JOIN pg_catalog.pg_namespace AS n ON n.oid = c.relnamespace
    WHERE n.nspname NOT IN ('pg_catalog', 'information_schema')
    AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%'
"""
_TABLES = "SELECT c.oid::regclass::text, c.relkind FROM pg_catalog.pg_class AS c" + _USER
_SIZES = (
    "SELECT c.oid::bigint, c.relpages, c.reltuples, c.relallvisible"
    " FROM pg_catalog.pg_class AS c" + _USER + " ORDER BY 1"
)
_SET_SIZES = """
UPDATE pg_catalog.pg_class AS c
SET relpages = v.pages, reltuples = v.tuples, relallvisible = v.visible
FROM unnest(%s::bigint[], %s::int[], %s::real[], %s::int[]) AS v (id, pages, tuples, visible)
WHERE c.oid = v.id::oid
AND (c.relpages, c.reltuples, c.relallvisible) <> (v.pages, v.tuples, v.visible)
"""
_HEAP_SIZES = (
    "SELECT c.oid::regclass::text, pg_catalog.pg_relation_size(c.oid)"
    " + coalesce(pg_catalog.pg_relation_size(nullif(c.reltoastrelid, 0)), 0)"
    " FROM pg_catalog.pg_class AS c" + _USER + " AND c.relkind = 'r'"
)
_REFERENCING = """
WITH RECURSIVE tables (id) AS (
    SELECT unnest(%s::text[])::regclass::oid
    UNION
    SELECT c.conrelid FROM pg_catalog.pg_constraint AS c
    JOIN tables AS t ON c.confrelid = t.id WHERE c.contype = 'f'
)
SELECT id::regclass::text FROM tables
"""
_SET_SEQUENCES = """
SELECT pg_catalog.setval(s::regclass, v, c)
FROM unnest(%s::text[], %s::bigint[], %s::bool[]) AS t (s, v, c)
"""
_COLUMNS = """
SELECT a.attname FROM pg_catalog.pg_attribute AS a
WHERE a.attrelid = %s::regclass AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''
ORDER BY a.attnum
"""
_OTHERS = """
SELECT pg_catalog.pg_terminate_backend(pid, 10000) FROM pg_catalog.pg_stat_activity
WHERE datname = pg_catalog.current_database() AND pid <> pg_catalog.pg_backend_pid()
"""
# What a test can leave outside the database's own catalogs, and sessions still there.
_OUTSIDE = """
SELECT
    (SELECT count(*) FROM pg_catalog.pg_prepared_xacts WHERE database = current_database())
    + (SELECT count(*) FROM pg_catalog.pg_replication_slots WHERE database = current_database())
    + (SELECT count(*) FROM pg_catalog.pg_db_role_setting AS s
       JOIN pg_catalog.pg_database AS d ON d.oid = s.setdatabase
       WHERE d.datname = current_database())
    + (SELECT count(*) FROM pg_catalog.pg_stat_activity
       WHERE datname = current_database() AND pid <> pg_backend_pid())
    + (SELECT count(*) FROM pg_catalog.pg_database
       WHERE datname = current_database() AND NOT (datallowconn AND datconnlimit = -1
       AND NOT datistemplate AND datacl IS NULL
       AND datdba = (SELECT oid FROM pg_catalog.pg_roles WHERE rolname = current_user)))
"""


@dataclass(frozen=True)
class _Snapshot:
    catalogs: tuple[tuple[str, int], ...]  # each catalog and its row count
    tables: tuple[str, ...]
    seeds: tuple[tuple[str, tuple[str, ...], bytes], ...]  # table, columns, COPY binary rows
    sequences: tuple[tuple[str, int, bool], ...]
    sizes: tuple[tuple[Any, ...], ...]
    heap_sizes: tuple[tuple[str, int], ...]


def _connect(settings: Settings) -> psycopg.Connection[Any]:
    return psycopg.connect(**connect_kwargs(settings), autocommit=True)


def _xid(conn: psycopg.Connection[Any]) -> str:
    """The transaction id after this one's: newer than every catalog row written so far."""
    row = conn.execute("SELECT pg_catalog.pg_current_xact_id()::text")
    return str((int((row.fetchone() or ("0",))[0]) + 1) % 2**32)


def _counts(conn: psycopg.Connection[Any], since: str) -> tuple[tuple[str, int], ...]:
    """Each catalog's row count, and -1 where a row is newer than ``since``."""
    names = [r[0] for r in conn.execute(_CATALOGS)]
    query = sql.SQL(" UNION ALL ").join(
        sql.SQL(
            "SELECT {name}, CASE WHEN bool_or(age(xmin) <= age({since}::text::xid))"
            " THEN -1 ELSE count(*) END FROM pg_catalog.{table}"
        ).format(name=sql.Literal(name), since=sql.Literal(since), table=sql.Identifier(name))
        for name in names
    )
    return tuple((str(n), int(c)) for n, c in conn.execute(query))


def _copy_out(conn: psycopg.Connection[Any], table: str, columns: tuple[str, ...]) -> bytes:
    names = sql.SQL(", ").join(sql.Identifier(c) for c in columns)
    stmt = sql.SQL("COPY (SELECT {} FROM {}) TO STDOUT (FORMAT binary)").format(
        names, sql.SQL(table)
    )
    with conn.cursor().copy(stmt) as copy:
        return b"".join(bytes(block) for block in copy)


class Recycler:
    """Resets used copies of one template to the template's state."""

    def __init__(self, snapshot: _Snapshot, since: str):
        self._snapshot = snapshot
        #: Older than every catalog row a new copy of the template holds.
        self.since = since

    def _touched(self, conn: psycopg.Connection[Any], since: str) -> list[str]:
        """The tables a test wrote to: grown past the template's size, or seed rows changed."""
        snap = self._snapshot
        sizes = dict(snap.heap_sizes)
        touched = [str(t) for t, size in conn.execute(_HEAP_SIZES) if sizes.get(str(t)) != size]
        for table, columns, rows in snap.seeds:
            if table in touched:
                continue
            newer = sql.SQL("SELECT EXISTS (SELECT FROM {} WHERE age(xmin) <= age({}::text::xid))")
            found = conn.execute(newer.format(sql.SQL(table), sql.Literal(since))).fetchone()
            if (found is None or found[0]) or _copy_out(conn, table, columns) != rows:
                touched.append(table)
        return touched

    def _reset(self, url: str, since: str) -> str | None:
        snap = self._snapshot
        with _connect(resolve(url)) as conn:
            conn.execute(_OTHERS)
            outside = conn.execute(_OUTSIDE).fetchone()
            if outside is None or outside[0] or _counts(conn, since) != snap.catalogs:
                return None
            with conn.transaction():
                conn.execute("SET LOCAL session_replication_role = replica")
                touched = self._touched(conn, since)
                if touched:  # with every table that references one of them
                    found = conn.execute(_REFERENCING, [touched])
                    touched = sorted({str(r[0]) for r in found})
                if touched:
                    names = sql.SQL(", ").join(sql.SQL(t) for t in touched)
                    conn.execute(sql.SQL("TRUNCATE {}").format(names))
                for table, columns, rows in snap.seeds:
                    if table not in touched:
                        continue
                    names = sql.SQL(", ").join(sql.Identifier(c) for c in columns)
                    stmt = sql.SQL("COPY {} ({}) FROM STDIN (FORMAT binary)")
                    with conn.cursor().copy(stmt.format(sql.SQL(table), names)) as copy:
                        copy.write(rows)
                # TRUNCATE leaves each index's page and row counts unknown (0, -1),
                # which the planner reads for a partial index: set back as they were.
                conn.execute(_SET_SIZES, [list(column) for column in zip(*snap.sizes, strict=True)])
                if snap.sequences:
                    values = [list(column) for column in zip(*snap.sequences, strict=True)]
                    conn.execute(_SET_SEQUENCES, values)
                same = all(_copy_out(conn, t, c) == rows for t, c, rows in snap.seeds)
                same = same and tuple(conn.execute(_SIZES)) == snap.sizes
                heaps = {str(t): int(n) for t, n in conn.execute(_HEAP_SIZES)}
                if not same or heaps != dict(snap.heap_sizes):
                    raise _Unlike
                after = _xid(conn)
            conn.execute("SELECT pg_catalog.pg_stat_reset()")
            return after

    def reset(self, url: str, since: str) -> str | None:
        """Make the copy at ``url`` like a new one; the ``since`` of its next reset, or None."""
        try:
            return self._reset(url, since)
        except (_Unlike, psycopg.Error):
            return None


class _Unlike(Exception):
    """The copy, once reset, did not match the template: it is dropped instead."""


def recycler(settings: Settings) -> Recycler | None:
    """A recycler for copies of the migrated template ``settings`` points at, or None."""
    with _connect(settings) as conn:
        row = conn.execute("SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname = current_user")
        if not (row.fetchone() or (False,))[0]:
            return None
        relations = [(str(name), str(kind)) for name, kind in conn.execute(_TABLES)]
        if any(kind in ("m", "f") for _, kind in relations):
            return None  # neither can be truncated
        tables = tuple(sorted(name for name, kind in relations if kind in ("r", "p")))
        seeds = []
        for table in tables:
            found = conn.execute(sql.SQL("SELECT EXISTS (SELECT FROM {})").format(sql.SQL(table)))
            if (found.fetchone() or (False,))[0]:
                columns = tuple(str(r[0]) for r in conn.execute(_COLUMNS, (table,)))
                seeds.append((table, columns, _copy_out(conn, table, columns)))
        sequences = []
        for name in (name for name, kind in relations if kind == "S"):
            got = conn.execute(
                sql.SQL("SELECT last_value, is_called FROM {}").format(sql.SQL(name))
            )
            value, called = got.fetchone() or (1, False)
            sequences.append((name, int(value), bool(called)))
        since = _xid(conn)
        snapshot = _Snapshot(
            catalogs=_counts(conn, since),
            tables=tables,
            seeds=tuple(seeds),
            sequences=tuple(sequences),
            sizes=tuple(tuple(r) for r in conn.execute(_SIZES)),
            heap_sizes=tuple((str(t), int(n)) for t, n in conn.execute(_HEAP_SIZES)),
        )
    return Recycler(snapshot, since)
