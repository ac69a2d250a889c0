"""DAOs: one class per table, each built on a session (``GenerationDAO(session)``).

Each name is imported from its module on first use (``sqlstore._lazy``).
"""

from typing import TYPE_CHECKING

from sqlstore._lazy import exports

if TYPE_CHECKING:
    from sqlstore.aio.dao.agent_auth import AuthStateDAO, AuthTokenDAO
    from sqlstore.aio.dao.agent_projects import MessageDAO, ProjectDAO
    from sqlstore.aio.dao.agent_tools import ToolDAO
    from sqlstore.aio.dao.agent_trees import NodeDAO, RepoNodeDAO
    from sqlstore.aio.dao.agents import (
        AgentStoreDAO,
        ClientDAO,
        LogDAO,
        OperatorDAO,
        OrchestratorDAO,
        UserDAO,
    )
    from sqlstore.aio.dao.base import MAX_PAGE, BaseDAO, atomic, streaming
    from sqlstore.aio.dao.generations import GenerationDAO, PromptDAO
    from sqlstore.aio.dao.media import CaptionDAO, MediaDAO, TranscriptDAO, VideoDAO
    from sqlstore.aio.dao.tasks import TaskDAO
    from sqlstore.aio.dao.webhooks import WebhookDAO
    from sqlstore.dao._args import checked

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
