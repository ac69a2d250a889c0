"""sqlstore: hand-written SQL files, typed DAOs, SQLite and PostgreSQL, no ORM."""

from sqlstore.session import Session
from sqlstore.store import Store, connect, default_store, get_session
from sqlstore.types import Json

__all__ = ["Json", "Session", "Store", "connect", "default_store", "get_session"]
__version__ = "0.1.0"
