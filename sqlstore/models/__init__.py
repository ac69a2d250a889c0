"""Pydantic models: ``Thing`` (a row), ``ThingCreate``, ``ThingUpdate``, status enums.

Each name is imported from its module on first use (``sqlstore._lazy``).
"""

from typing import TYPE_CHECKING

from sqlstore._lazy import exports

if TYPE_CHECKING:
    from sqlstore.models._types import (
        JsonList,
        JsonObject,
        UtcDateTime,
    )
    from sqlstore.models.agent_auth import (
        AuthState,
        AuthStateCreate,
        AuthStateUpdate,
        AuthToken,
        AuthTokenCreate,
        AuthTokenUpdate,
    )
    from sqlstore.models.agent_projects import (
        Message,
        MessageCreate,
        MessageStatus,
        MessageUpdate,
        Project,
        ProjectCreate,
        ProjectUpdate,
    )
    from sqlstore.models.agent_tools import (
        Tool,
        ToolCreate,
        ToolUpdate,
    )
    from sqlstore.models.agent_trees import (
        Node,
        NodeCreate,
        NodeUpdate,
        RepoNode,
        RepoNodeCreate,
        RepoNodeUpdate,
    )
    from sqlstore.models.agents import (
        AgentUpdate,
        Client,
        ClientCreate,
        ClientUpdate,
        Log,
        LogCreate,
        LogUpdate,
        Operator,
        OperatorCreate,
        OperatorUpdate,
        Orchestrator,
        OrchestratorCreate,
        OrchestratorUpdate,
        User,
        UserCreate,
        UserUpdate,
    )
    from sqlstore.models.generations import (
        Generation,
        GenerationCreate,
        GenerationStatus,
        GenerationUpdate,
        Prompt,
    )
    from sqlstore.models.media import (
        Caption,
        CaptionCreate,
        Media,
        MediaId,
        Transcript,
        TranscriptCreate,
        TranscriptSegment,
        TranscriptUpdate,
        Video,
        VideoCreate,
        VideoMetadata,
        VideoUpdate,
    )
    from sqlstore.models.tasks import (
        Task,
        TaskCreate,
        TaskStatus,
        TaskUpdate,
    )
    from sqlstore.models.webhooks import (
        Webhook,
        WebhookCreate,
        WebhookEvent,
        WebhookUpdate,
    )

__all__ = [
    "AgentUpdate",
    "AuthState",
    "AuthStateCreate",
    "AuthStateUpdate",
    "AuthToken",
    "AuthTokenCreate",
    "AuthTokenUpdate",
    "Caption",
    "CaptionCreate",
    "Client",
    "ClientCreate",
    "ClientUpdate",
    "Generation",
    "GenerationCreate",
    "GenerationStatus",
    "GenerationUpdate",
    "JsonList",
    "JsonObject",
    "Log",
    "LogCreate",
    "LogUpdate",
    "Media",
    "MediaId",
    "Message",
    "MessageCreate",
    "MessageStatus",
    "MessageUpdate",
    "Node",
    "NodeCreate",
    "NodeUpdate",
    "Operator",
    "OperatorCreate",
    "OperatorUpdate",
    "Orchestrator",
    "OrchestratorCreate",
    "OrchestratorUpdate",
    "Project",
    "ProjectCreate",
    "ProjectUpdate",
    "Prompt",
    "RepoNode",
    "RepoNodeCreate",
    "RepoNodeUpdate",
    "Task",
    "TaskCreate",
    "TaskStatus",
    "TaskUpdate",
    "Tool",
    "ToolCreate",
    "ToolUpdate",
    "Transcript",
    "TranscriptCreate",
    "TranscriptSegment",
    "TranscriptUpdate",
    "User",
    "UserCreate",
    "UserUpdate",
    "UtcDateTime",
    "Video",
    "VideoCreate",
    "VideoMetadata",
    "VideoUpdate",
    "Webhook",
    "WebhookCreate",
    "WebhookEvent",
    "WebhookUpdate",
]

__getattr__, __dir__ = exports(__name__)
