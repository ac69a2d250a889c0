"""``python -m sqlstore``."""

from sqlstore.cli import run

run()
