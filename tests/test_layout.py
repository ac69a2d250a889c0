"""Domains are named alike in every room; test modules share helpers only through helper modules."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Shared private helpers of a room, and the store's catalog queries: not domains.
NOT_DOMAINS = {"__init__", "base", "agent_base", "catalog"}


def _modules(room: str) -> set[str]:
    return {
        p.stem
        for p in (ROOT / "sqlstore" / room).glob("*.py")
        if not p.stem.startswith("_") and p.stem not in NOT_DOMAINS
    }


def test_every_domain_has_models_a_dao_sql_and_tests() -> None:
    models, daos = _modules("models"), _modules("dao")
    sql = {p.name for p in (ROOT / "sql").iterdir() if p.is_dir()} - NOT_DOMAINS
    assert models == daos == sql, (models, daos, sql)
    for domain in sorted(sql):
        assert list((ROOT / "tests").glob(f"test_{domain}*.py")), f"no tests/test_{domain}*.py"


def test_no_test_module_imports_another_or_the_conftest() -> None:
    found = []
    for path in sorted((ROOT / "tests").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            for name in names:
                if name.startswith(("tests.test_", "tests.conftest")):
                    found.append(f"{path.name}: {name}")
    assert found == []
