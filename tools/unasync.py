"""Generate sqlstore's blocking modules from their async sources, as psycopg does.

The DAOs and the session are written once, async, in ``sqlstore/aio/``; this
script writes their blocking twins in ``sqlstore/`` by removing ``async`` and
``await`` and renaming the async names (``AsyncSession`` to ``Session``...),
then formats them with ruff. ``--check`` (run by ``make lint`` and the test
suite) fails when a generated file is not what its source gives.

Regular expressions on lines, not an AST rewrite (httpcore's approach): the
sources are ours, and a generated file must read like one written by hand,
comments included, which an AST round trip would lose.
"""

from __future__ import annotations

import argparse
import difflib
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

#: (async source, blocking target), relative to the repository.
PAIRS: list[tuple[str, str]] = [
    ("sqlstore/aio/session.py", "sqlstore/session.py"),
    ("sqlstore/aio/_traced.py", "sqlstore/_traced.py"),
    *(
        (f"sqlstore/aio/dao/{name}", f"sqlstore/dao/{name}")
        for name in (
            "__init__.py",
            "agent_auth.py",
            "agent_base.py",
            "agent_projects.py",
            "agent_tools.py",
            "agent_trees.py",
            "agents.py",
            "base.py",
            "generations.py",
            "media.py",
            "tasks.py",
            "webhooks.py",
        )
    ),
    *(
        (f"sqlstore/dialects/_pg_aio_{name}", f"sqlstore/dialects/_pg_{name}")
        for name in ("connection.py", "pool.py", "connect.py", "replicas.py", "replica_session.py")
    ),
]

_NAMES = {
    "AsyncSession": "Session",
    "AsyncConnection": "Connection",
    "AsyncTransaction": "Transaction",
    "AsyncPGConnection": "PGConnection",
    "AsyncTracedConnection": "TracedConnection",
    "AsyncPGTransaction": "PGTransaction",
    "AsyncPGWire": "PGWire",
    "AsyncPool": "Pool",
    "AsyncReplicaConnection": "ReplicaConnection",
    "AsyncReplicaTransaction": "ReplicaTransaction",
    "AsyncReplicas": "Replicas",
    "AsyncReplica": "Replica",
    "AsyncConnectionPool": "ConnectionPool",
    "AsyncCursor": "Cursor",
    "base_async": "base",
    "AsyncIterator": "Iterator",
    "AsyncIterable": "Iterable",
    "AsyncGenerator": "Generator",
    "AbstractAsyncContextManager": "AbstractContextManager",
    "asynccontextmanager": "contextmanager",
    "isasyncgenfunction": "isgeneratorfunction",
    "StopAsyncIteration": "StopIteration",
    "__aenter__": "__enter__",
    "__aexit__": "__exit__",
    "__aiter__": "__iter__",
    "__anext__": "__next__",
    "anext": "next",
    "aclose": "close",
}

_ASYNC_ONLY = re.compile(r"^.*#\s*unasync:\s*remove\s*\n", re.MULTILINE)
_ASYNC_BLOCK = re.compile(
    r"^[ \t]*#\s*unasync:\s*remove-begin\s*\n.*?^[ \t]*#\s*unasync:\s*remove-end\s*\n",
    re.MULTILINE | re.DOTALL,
)
_ASYNC_KEYWORD = re.compile(r"\basync (def|with|for)\b")
_AWAIT = re.compile(r"\bawait ")
_AIO_MODULE = re.compile(r"\bsqlstore([./])aio\1")
#: A dialect's private async module: ``_pg_aio_pool`` is ``_pg_pool``'s source.
_AIO_PRIVATE = re.compile(r"\b(_[a-z]+)_aio_(?=[a-z])")
_ASYNC_NAME = re.compile(r"\b(" + "|".join(_NAMES) + r")\b")
#: ``Callable[..., Awaitable[T]]`` is ``Callable[..., T]`` on the blocking side.
_AWAITABLE = re.compile(r"\bAwaitable\[(\w+)\]")
#: An async generator cannot ``yield from``; the blocking side can, and does.
_YIELD_EACH = re.compile(r"^(\s*)for (\w+) in (.+):\n\1    yield \2\n", re.MULTILINE)


def unasync(text: str, source: str) -> str:
    """The blocking module for the async module ``text`` (read from ``source``), unformatted.

    A line of the source that ends with ``# unasync: remove`` is left out, and
    so are the lines from ``# unasync: remove-begin`` to ``# unasync: remove-end``.
    """
    text = _ASYNC_BLOCK.sub("", text)
    text = _ASYNC_ONLY.sub("", text)
    text = _ASYNC_KEYWORD.sub(r"\1", text)
    text = _AWAIT.sub("", text)
    text = _AIO_MODULE.sub(r"sqlstore\1", text)
    text = _AIO_PRIVATE.sub(r"\1_", text)
    text = _ASYNC_NAME.sub(lambda found: _NAMES[found.group(0)], text)
    text = _AWAITABLE.sub(r"\1", text)
    text = _YIELD_EACH.sub(r"\1yield from \3\n", text)
    header = f"# Generated from {source} (`make generate`): edit that file, not this one.\n"
    if len(header) > 101:
        header = header.replace(": edit", ":\n# edit")
    return header + text


def _format(text: str, target: str) -> str:
    """``ruff check --fix`` (imports) and ``ruff format``, as ``make lint`` wants them."""
    ruff = [sys.executable, "-m", "ruff"]
    for args in (["check", "--fix", "--quiet", "--exit-zero"], ["format", "--quiet"]):
        done = subprocess.run(
            [*ruff, *args, "--stdin-filename", str(ROOT / target), "-"],
            input=text,
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
        )
        text = done.stdout
    return text


def generated(source: str, target: str) -> str:
    """What ``target`` must hold, made from ``source``."""
    return _format(unasync((ROOT / source).read_text(), source), target)


def main(argv: list[str] | None = None) -> int:
    """Write the generated modules, or with ``--check`` list those that are stale."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if a file is stale")
    args = parser.parse_args(argv)
    stale = []
    for source, target in PAIRS:
        want = generated(source, target)
        path = ROOT / target
        have = path.read_text() if path.exists() else ""
        if have == want:
            continue
        if args.check:
            stale.append(target)
            sys.stdout.writelines(
                difflib.unified_diff(
                    have.splitlines(True), want.splitlines(True), target, f"{target} (generated)"
                )
            )
        else:
            path.write_text(want)
            print(f"wrote {target}")
    if stale:
        print(f"stale generated files: {', '.join(stale)}; run `make generate`", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
