"""The dialect registry: each dialect class registers itself; nothing else names a dialect."""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import sqlstore
from sqlstore.config import resolve
from sqlstore.dialects import (
    dialect_class,
    dialect_for_scheme,
    dialect_names,
    register,
    url_schemes,
)
from sqlstore.dialects.sqlite import SQLiteDialect
from sqlstore.errors import ConfigError

PACKAGE = Path(sqlstore.__file__).parent


def test_the_builtin_dialects_are_registered_embedded_first() -> None:
    assert dialect_names() == ("sqlite", "postgresql")
    assert dialect_class("postgresql").schemes[0] == "postgresql"
    assert dialect_for_scheme("POSTGRES") is dialect_class("postgresql")
    assert dialect_for_scheme("sqlite3") is dialect_class("sqlite")
    assert dialect_for_scheme("mysql") is None
    assert "psql" in url_schemes() and "sqlite" in url_schemes()


def test_an_unknown_dialect_is_a_config_error_naming_the_known_ones() -> None:
    with pytest.raises(ConfigError, match="unknown dialect 'oracle'; use one of: sqlite, post"):
        dialect_class("oracle")


def test_a_name_or_scheme_taken_already_is_refused() -> None:
    class Clash(SQLiteDialect):
        name = "sqlite"

    class SchemeClash(SQLiteDialect):
        name = "clash"

    with pytest.raises(ConfigError, match="taken already"):
        register(Clash)
    with pytest.raises(ConfigError, match=r"\['sqlite', 'sqlite3'\]"):
        register(SchemeClash)
    assert dialect_names() == ("sqlite", "postgresql")


def test_a_registered_dialect_serves_its_urls_and_files() -> None:
    # In a process of its own: a third dialect must not leak into this run's registry.
    script = textwrap.dedent(
        """
        import tempfile
        from pathlib import Path
        from typing import ClassVar

        from sqlstore.config import resolve
        from sqlstore.dialects import dialect_names, open_dialect, register
        from sqlstore.dialects.sqlite import SQLiteDialect
        from sqlstore.queries import query_name

        @register
        class Lite(SQLiteDialect):
            name = "lite"
            schemes: ClassVar[tuple[str, ...]] = ("lite",)

        print(dialect_names())
        print(query_name(Path("sql"), Path("sql/t/get.lite.sql")))
        print(query_name(Path("sql"), Path("sql/t/get.other.sql")))
        with tempfile.TemporaryDirectory() as folder:
            # A store needs the dialect's migration folder; the dialect alone does not.
            dialect = open_dialect(resolve(f"lite:///{folder}/x.db"))
            print(type(dialect).__name__, dialect.settings.url)
            dialect.close()
        """
    )
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    ).stdout.splitlines()
    assert out[0] == "('lite', 'sqlite', 'postgresql')"
    assert out[1] == "('t.get', 'lite')"
    assert out[2] == "('t.get.other', None)"
    assert re.fullmatch(r"Lite lite:///.*/x\.db", out[3])


def test_nothing_outside_the_dialects_tests_a_dialect_name() -> None:
    names = "|".join(dialect_names())
    quoted = rf"""["']({names})["']"""
    test = re.compile(rf"(==|!=|\bin|startswith\()\s*\(?\s*{quoted}|{quoted}\s*(==|!=)")
    found = [
        f"{path.relative_to(PACKAGE)}:{number}: {line.strip()}"
        for path in sorted(PACKAGE.rglob("*.py"))
        if "dialects" not in path.relative_to(PACKAGE).parts
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if test.search(line)
    ]
    assert found == []


def test_the_registry_and_a_sqlite_store_import_no_postgresql_driver() -> None:
    script = (
        "import sys, sqlstore\n"
        "from sqlstore.dialects import dialect_names\n"
        "dialect_names()\n"
        "sqlstore.connect('sqlite:///:memory:').close()\n"
        "print('psycopg' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert out.stdout.strip() == "False", out.stderr


def test_db_config_and_db_vars_ask_the_registry() -> None:
    config = '{"datastore_type": "postgres", "datastore_config": {"host": "db"}}'
    assert str(resolve(None, env={"DB_CONFIG": config}).url) == "postgresql://db:5432/postgres"
    env = {"DB_DRIVER": "sqlite+aiosqlite", "DB_DATABASE": "agents.db"}
    assert str(resolve(None, env=env).url) == "sqlite:///agents.db"
