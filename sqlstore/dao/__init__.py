# Generated from sqlstore/aio/dao/__init__.py (`make generate`): edit that file, not this one.
"""DAOs: one class per table, each built on a session (``GenerationDAO(session)``).

Each name is imported from its module on first use (``sqlstore._lazy``).
"""

from typing import TYPE_CHECKING

from sqlstore._lazy import exports

if TYPE_CHECKING:
    from sqlstore.dao._args import checked
    from sqlstore.dao.agent_auth import AuthStateDAO, AuthTokenDAO
    from sqlstore.dao.agent_projects import MessageDAO, ProjectDAO
    from sqlstore.dao.agent_tools import ToolDAO
    from sqlstore.dao.agent_trees import NodeDAO, RepoNodeDAO
    from sqlstore.dao.agents import (
        AgentStoreDAO,
        ClientDAO,
        LogDAO,
        OperatorDAO,
        OrchestratorDAO,
        UserDAO,
    )
    from sqlstore.dao.base import MAX_PAGE, BaseDAO, atomic, streaming
    from sqlstore.dao.generations import GenerationDAO, PromptDAO
    from sqlstore.dao.media import CaptionDAO, MediaDAO, TranscriptDAO, VideoDAO
    from sqlstore.dao.tasks import TaskDAO
    from sqlstore.dao.webhooks import WebhookDAO

__all__ = [
    "MAX_PAGE",
    "AgentStoreDAO",
    "AuthStateDAO",
    "AuthTokenDAO",
    "BaseDAO",
    "CaptionDAO",
    "ClientDAO",
    "GenerationDAO",
    "LogDAO",
    "MediaDAO",
    "MessageDAO",
    "NodeDAO",
    "OperatorDAO",
    "OrchestratorDAO",
    "ProjectDAO",
    "PromptDAO",
    "RepoNodeDAO",
    "TaskDAO",
    "ToolDAO",
    "TranscriptDAO",
    "UserDAO",
    "VideoDAO",
    "WebhookDAO",
    "atomic",
    "checked",
    "streaming",
]

__getattr__, __dir__ = exports(__name__)
