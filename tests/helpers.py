"""What test modules share besides builders: the test app, the built-in migrations, the CLI."""

from __future__ import annotations

import importlib.util
import sys
import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

from click.testing import CliRunner

from sqlstore.check import Finding
from sqlstore.cli import main
from sqlstore.dialects import scratch_database as _scratch_database
from sqlstore.paths import builtin_dir
from sqlstore.store import Store
from sqlstore.testing import worker_prefix

APP = Path(__file__).parent / "app"
"""The small test app: a notes table (with a foreign key) and a few queries."""

RAW_SQL = Path(__file__).parent / "sql"
"""SQL the tests run past the DAOs (``raw.*``): hand-written updates and timestamp reads."""

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
"""The runnable example apps."""


def scratch_database(server_url: str, prefix: str = "sqlstore_test") -> AbstractContextManager[str]:
    """``sqlstore.dialects.scratch_database``, named for this pytest-xdist worker."""
    return _scratch_database(server_url, prefix=worker_prefix(prefix))


def with_query(url: str, query: str) -> str:
    """``url`` with ``query`` (``a=1&b=2``) added to the options it may already have."""
    return url + ("&" if "?" in url else "?") + query


def load_example(path: Path) -> ModuleType:
    """Import an example's module from its file, registered under its own name.

    As the example's runner (or uvicorn) imports it, so that pydantic and
    FastAPI can resolve the module's annotations.
    """
    spec = importlib.util.spec_from_file_location(path.stem, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[path.stem] = module
    spec.loader.exec_module(module)
    return module


def builtin_migrations(dialect: str) -> list[str]:
    """The ids of the built-in forward migrations of a dialect, in order (read from the folder).

    Tests count and name the built-in migrations through this, so that a new
    table's migration breaks none of them.
    """
    folder = builtin_dir("migrations") / dialect
    return sorted(
        p.name.removesuffix(".sql") for p in folder.glob("*.sql") if ".rollback." not in p.name
    )


@dataclass
class Result:
    code: int
    out: str
    err: str


def invoke(*args: str) -> Result:
    """``sqlstore.cli.main`` in this process, its output captured by click's runner."""
    with CliRunner().isolation() as (out, err, _):
        code = main(list(args))
    return Result(code, out.getvalue().decode(), err.getvalue().decode())


def one_line_error(result: Result) -> str:
    """The single ``error: ...`` line a failed command printed (no traceback)."""
    assert result.code != 0
    assert "Traceback" not in result.err + result.out
    lines = result.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.err
    return lines[0]


@contextmanager
def session_held_elsewhere(store: Store, *, readonly: bool = False) -> Iterator[None]:
    """For the block, another thread holds a session of ``store`` open (its connection taken)."""
    holding, release = threading.Event(), threading.Event()

    def hold() -> None:
        with store.session(readonly=readonly):
            holding.set()
            release.wait(10)

    worker = threading.Thread(target=hold)
    worker.start()
    try:
        assert holding.wait(10)
        yield
    finally:
        release.set()
        worker.join()


def write_files(folder: Path, files: dict[str, str]) -> Path:
    """Write ``{relative path: text}`` below ``folder``; return ``folder``."""
    for name, text in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return folder


def findings_by_name(findings: list[Finding]) -> dict[str, Finding]:
    """``check_queries``' findings by query name."""
    return {f.query: f for f in findings}
