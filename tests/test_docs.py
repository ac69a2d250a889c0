"""Every Python block of README.md and docs/ runs, as the contributing page describes.

Each page's blocks run in order in one namespace, in a fresh temporary working
directory, with ``DATABASE_URL`` unset (so ``sqlstore.connect()`` opens
``sqlite:///data/sqlstore.db`` there). A page where a comment in a block
names ``postgresql://`` runs a second time with ``DATABASE_URL`` naming a
scratch PostgreSQL database, and must then have opened a store on it. A ```` ```text ````
block titled ``output`` right after a Python block is what that block prints
(``...`` matches anything). ``<!-- no-run -->`` on the line before a block
leaves it out; such a block titled with a file of the checkout must be an
excerpt of that file.
"""

from __future__ import annotations

import contextlib
import doctest
import io
import re
import sys
import tokenize
import traceback
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

import sqlstore.store
from tests.helpers import scratch_database

ROOT = Path(__file__).resolve().parent.parent
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]

NO_RUN = "<!-- no-run -->"
PYTHON = frozenset({"python", "py"})
POSTGRES_MARK = "postgresql://"
# Variables that would point sqlstore.connect() at another database than the run's.
DATABASE_ENV = (
    "DATABASE_URL",
    "DATABASE_REPLICA_URLS",
    "DB_CONFIG",
    "DB_DRIVER",
    "DB_USERNAME",
    "DB_PASSWORD",
    "DB_HOST",
    "DB_PORT",
    "DB_DATABASE",
    "SQLSTORE_SQL_DIRS",
    "SQLSTORE_MIGRATION_DIRS",
)

_FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})(?P<info>[^`]*)$")
_OUTPUT_TITLE = re.compile(r"""\btitle=["']output["']""", re.IGNORECASE)
_TITLE = re.compile(r"""\btitle=["']([^"']+)["']""")


@dataclass(frozen=True)
class Block:
    """One fenced code block of a page."""

    path: Path
    line: int  # of the first line of code, 1-based
    lang: str
    info: str
    code: str
    no_run: bool
    output: str | None = None

    @property
    def is_python(self) -> bool:
        """True for a Python block."""
        return self.lang in PYTHON

    @property
    def runs(self) -> bool:
        """True for a Python block that the suite runs."""
        return self.is_python and not self.no_run

    @property
    def title(self) -> str | None:
        """The block's ``title="..."``, if it has one."""
        match = _TITLE.search(self.info)
        return match[1] if match else None

    @property
    def is_output(self) -> bool:
        """True for a block that shows the output of the block before it."""
        return self.lang == "text" and bool(_OUTPUT_TITLE.search(self.info))


def parse(text: str, path: Path) -> list[Block]:
    """The fenced blocks of a Markdown text, each output block attached to its Python block."""
    blocks: list[Block] = []
    lines = text.splitlines()
    i = 0
    previous = ""  # the last non-blank line before the current one
    follows_python = False  # only blank lines since the end of a Python block
    while i < len(lines):
        match = _FENCE.match(lines[i])
        if not match:
            if lines[i].strip():
                previous = lines[i].strip()
                follows_python = False
            i += 1
            continue
        indent = len(match["indent"])
        fence = match["fence"]
        info = match["info"].strip()
        start = i + 1
        i += 1
        body = []
        while i < len(lines):
            stripped = lines[i].strip()
            if stripped.startswith(fence) and set(stripped) == {fence[0]}:
                break
            line = lines[i]
            body.append(line[indent:] if line[:indent].strip() == "" else line.lstrip())
            i += 1
        else:
            raise ValueError(f"{path}:{start}: a code block is never closed")
        i += 1
        lang = info.split(maxsplit=1)[0].lower() if info else ""
        block = Block(path, start + 1, lang, info, "\n".join(body) + "\n", previous == NO_RUN)
        if block.is_output and follows_python:
            blocks[-1] = Block(**{**blocks[-1].__dict__, "output": block.code})
        blocks.append(block)
        follows_python = block.is_python
        previous = ""
    return blocks


def page_blocks(path: Path) -> list[Block]:
    """The blocks of one page of the docs."""
    return parse(path.read_text(encoding="utf-8"), path)


def _comments(code: str) -> Iterator[str]:
    for token in tokenize.generate_tokens(io.StringIO(code).readline):
        if token.type == tokenize.COMMENT:
            yield token.string


def names_postgresql(blocks: list[Block]) -> bool:
    """True when a comment in a page's runnable Python blocks names a PostgreSQL URL."""
    return any(POSTGRES_MARK in c for b in blocks if b.runs for c in _comments(b.code))


def _cases() -> Iterator[object]:
    for path in PAGES:
        blocks = page_blocks(path)
        if not any(b.runs for b in blocks):
            continue
        name = str(path.relative_to(ROOT))
        yield pytest.param(path, "sqlite", id=f"{name}-sqlite")
        if names_postgresql(blocks):
            yield pytest.param(path, "postgresql", id=f"{name}-postgresql")


class ExampleFailed(AssertionError):
    """A docs example raised, or printed something else than its output block shows."""


def run_blocks(blocks: list[Block]) -> None:
    """Run the runnable blocks in order in one namespace; check each shown output."""
    namespace: dict[str, object] = {"__name__": "__docs__"}
    for block in blocks:
        if not block.runs:
            continue
        where = f"{block.path}:{block.line}"
        # Padded so that a traceback points at the page's own line numbers.
        code = compile("\n" * (block.line - 1) + block.code, str(block.path), "exec")
        printed = io.StringIO()
        try:
            with contextlib.redirect_stdout(printed):
                exec(code, namespace)
        except Exception as exc:
            text = "".join(traceback.format_exception(exc))
            raise ExampleFailed(f"the example at {where} raised:\n{text}") from exc
        if block.output is not None:
            checker = doctest.OutputChecker()
            if not checker.check_output(block.output, printed.getvalue(), doctest.ELLIPSIS):
                raise ExampleFailed(
                    f"the example at {where} printed:\n{printed.getvalue()}"
                    f"but its output block shows:\n{block.output}"
                )


@pytest.fixture
def opened_stores(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[sqlstore.store.BaseStore]]:
    """Every store the examples open, async ones too, the default store reset around them.

    The blocking ones are closed afterwards; an example closes its async ones
    itself (``async with``), on its own event loop.
    """
    opened: list[sqlstore.store.BaseStore] = []
    init = sqlstore.store.BaseStore.__init__

    def recording_init(self: sqlstore.store.BaseStore, *args: Any, **kwargs: Any) -> None:
        init(self, *args, **kwargs)
        opened.append(self)

    monkeypatch.setattr(sqlstore.store.BaseStore, "__init__", recording_init)
    monkeypatch.setattr(sqlstore.store, "_default", None, raising=False)
    try:
        yield opened
    finally:
        _close(opened)


def _close(stores: list[sqlstore.store.BaseStore]) -> None:
    for store in stores:
        if isinstance(store, sqlstore.store.Store):
            store.close()


@pytest.fixture
def own_imports(tmp_path: Path) -> Iterator[None]:
    """``sys.path`` as it was afterwards, and no module left imported from the run's folder."""
    path = list(sys.path)
    try:
        yield
    finally:
        sys.path[:] = path
        for name, module in list(sys.modules.items()):
            if str(getattr(module, "__file__", None) or "").startswith(str(tmp_path)):
                del sys.modules[name]


@pytest.mark.parametrize(("page", "dialect"), list(_cases()))
@pytest.mark.usefixtures("own_imports")
def test_page_examples_run(
    page: Path,
    dialect: str,
    request: pytest.FixtureRequest,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    opened_stores: list[sqlstore.store.BaseStore],
) -> None:
    for name in DATABASE_ENV:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    # As if run from the checkout's root: the examples may use its examples/ folder.
    (tmp_path / "examples").symlink_to(ROOT / "examples", target_is_directory=True)
    blocks = page_blocks(page)
    if dialect == "sqlite":
        run_blocks(blocks)
        assert not any(s.url.startswith("postgresql") for s in opened_stores)
        return
    server = request.getfixturevalue("sqlstore_postgres_server")
    with scratch_database(server, prefix="sqlstore_docs") as url:
        monkeypatch.setenv("DATABASE_URL", url)
        try:
            run_blocks(blocks)
        finally:
            _close(opened_stores)
        assert any(s.url.startswith("postgresql") for s in opened_stores), (
            f"{page.name} names {POSTGRES_MARK} but opened no PostgreSQL store: "
            "open it with sqlstore.connect() (DATABASE_URL)"
        )


def test_every_page_is_collected() -> None:
    names = {str(p.relative_to(ROOT)) for p in PAGES}
    assert "README.md" in names and "docs/index.md" in names
    assert any(b.runs for b in page_blocks(ROOT / "README.md"))


def test_no_run_marks_a_python_block() -> None:
    for path in PAGES:
        lines = path.read_text(encoding="utf-8").splitlines()
        for number, line in enumerate(lines, 1):
            if line.strip() != NO_RUN:
                continue
            following = next((x for x in lines[number:] if x.strip()), "")
            match = _FENCE.match(following)
            assert match and match["info"].split()[0] in PYTHON, (
                f"{path}:{number}: {NO_RUN} must stand right before a Python block"
            )


def excerpt_problem(block: Block, text: str) -> str | None:
    """Why ``block`` is not an excerpt of ``text`` (its lines in order; ``...`` skips), or None."""
    lines = [line.rstrip() for line in text.splitlines()]
    at = 0
    for wanted in block.code.splitlines():
        if not wanted.strip() or wanted.strip() == "...":
            continue
        try:
            at = lines.index(wanted.rstrip(), at) + 1
        except ValueError:
            return f"{block.path}:{block.line}: not in {block.title}, in this order: {wanted!r}"
    return None


def test_an_excerpt_titled_with_a_file_is_true_to_it() -> None:
    excerpts = [b for p in PAGES for b in page_blocks(p) if b.no_run and b.title]
    assert excerpts, "the extending page shows an excerpt of the example"
    for block in excerpts:
        source = ROOT / str(block.title)
        assert source.is_file(), f"{block.path}:{block.line}: no file {block.title}"
        assert excerpt_problem(block, source.read_text(encoding="utf-8")) is None, excerpt_problem(
            block, source.read_text(encoding="utf-8")
        )


def test_output_blocks_follow_a_python_block() -> None:
    for path in PAGES:
        blocks = page_blocks(path)
        attached = {b.output for b in blocks if b.output is not None}
        for block in blocks:
            if block.is_output:
                assert block.code in attached, (
                    f"{path}:{block.line}: an output block must follow a Python block"
                )


# The collector itself, on pages written here.


def _page(tmp_path: Path, text: str) -> list[Block]:
    path = tmp_path / "page.md"
    path.write_text(text, encoding="utf-8")
    return page_blocks(path)


def test_blocks_share_a_namespace_and_output_is_checked(tmp_path: Path) -> None:
    blocks = _page(
        tmp_path,
        "# A page\n\n```python\nx = 41\n```\n\nText.\n\n"
        "- In a list:\n\n  ```python\n  print(x + 1, 'id-1234')\n  ```\n\n"
        '  ```text title="output"\n  42 id-...\n  ```\n',
    )
    assert [b.runs for b in blocks] == [True, True, False]
    assert blocks[1].output == "42 id-...\n" and blocks[1].line == 12
    run_blocks(blocks)


def test_a_wrong_output_fails(tmp_path: Path) -> None:
    blocks = _page(tmp_path, '```python\nprint(1)\n```\n\n```text title="output"\n2\n```\n')
    with pytest.raises(ExampleFailed, match="printed:\n1\nbut its output block shows:\n2"):
        run_blocks(blocks)


def test_a_raising_block_fails_with_its_page_line(tmp_path: Path) -> None:
    blocks = _page(tmp_path, "Intro.\n\n```python\nx = 1\n1 / 0\n```\n")
    with pytest.raises(ExampleFailed) as info:
        run_blocks(blocks)
    assert f"{tmp_path / 'page.md'}:4 raised" in str(info.value)
    assert f'File "{tmp_path / "page.md"}", line 5' in str(info.value)


def test_no_run_and_other_languages_are_left_out(tmp_path: Path) -> None:
    blocks = _page(
        tmp_path,
        "<!-- no-run -->\n```python\nraise SystemExit\n```\n\n"
        "```sh\nexit 1\n```\n\n```python\nprint('ran')\n```\n",
    )
    assert [(b.lang, b.runs) for b in blocks] == [
        ("python", False),
        ("sh", False),
        ("python", True),
    ]
    assert not names_postgresql(blocks)
    run_blocks(blocks)


def test_an_excerpt_must_keep_the_file_s_lines_and_order(tmp_path: Path) -> None:
    page = '<!-- no-run -->\n```python title="f.py"\ndef f():\n    ...\n    return 2\n```\n'
    [block] = _page(tmp_path, page)
    assert block.title == "f.py" and not block.runs
    assert excerpt_problem(block, "def f():\n    x = 1\n    return 2\n") is None
    assert "'    return 2'" in str(excerpt_problem(block, "def f():\n    return 3\n"))
    assert excerpt_problem(block, "    return 2\ndef f():\n") is not None


def test_only_a_comment_in_a_runnable_block_names_postgresql(tmp_path: Path) -> None:
    fragment = "<!-- no-run -->\n```python\nconnect()  # postgresql://app@db/media\n```\n"
    assert not names_postgresql(_page(tmp_path, fragment))
    literal = "```python\nresolve('postgresql://app@db/media')  # a URL parsed\n```\n"
    assert not names_postgresql(_page(tmp_path, fragment + literal))
    comment = "```python\nconnect()  # DATABASE_URL=postgresql://app@db/media\n```\n"
    assert names_postgresql(_page(tmp_path, fragment + literal + comment))
