"""DAOs: one class per table, each built on a session (``GenerationDAO(session)``)."""

from sqlstore.dao.base import MAX_PAGE, BaseDAO
from sqlstore.dao.generations import GenerationDAO, PromptDAO

__all__ = ["MAX_PAGE", "BaseDAO", "GenerationDAO", "PromptDAO"]
