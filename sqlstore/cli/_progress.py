"""Progress on stderr for long commands: on a terminal only, never in JSON mode."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import click

__all__ = ["progress"]


@contextmanager
def progress(label: str, total: int, *, quiet: bool = False) -> Iterator[Callable[[str], None]]:
    """``step(item)`` for each of ``total`` items: a bar on stderr when it is a terminal.

    Nothing is shown when stderr is not a terminal (a CI log, a pipe), with
    ``quiet`` (``--format json``), or for fewer than two items.
    """
    if quiet or total < 2 or not sys.stderr.isatty():
        yield lambda _: None
        return
    with click.progressbar(
        length=total,
        label=label,
        file=sys.stderr,
        show_pos=True,
        item_show_func=lambda item: item,
    ) as bar:

        def step(item: str) -> None:
            bar.update(1, item)

        yield step
