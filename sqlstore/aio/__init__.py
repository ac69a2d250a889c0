"""sqlstore awaited: ``connect`` gives an ``AsyncStore``; its sessions and ``sqlstore.aio.dao``.

Every DAO of ``sqlstore.dao`` is in ``sqlstore.aio.dao`` under the same name,
with the same methods, arguments, models and errors, awaited. The blocking
modules are generated from these (``tools/unasync.py``).
"""

from sqlstore.aio.session import AsyncSession
from sqlstore.aio.store import AsyncStore, connect

__all__ = ["AsyncSession", "AsyncStore", "connect"]
