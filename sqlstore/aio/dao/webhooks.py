"""The DAO of webhooks: who to call when a task event happens."""

from __future__ import annotations

from uuid import UUID

from sqlstore.aio.dao.base import BaseDAO
from sqlstore.dao._args import checked
from sqlstore.dao._types import List
from sqlstore.models.webhooks import Webhook, WebhookCreate, WebhookEvent, WebhookUpdate
from sqlstore.types import Json, utcnow

__all__ = ["WebhookDAO"]


class WebhookDAO(BaseDAO):
    """Webhooks of users and system-wide ones, and which to call for an event."""

    async def save(self, new: WebhookCreate) -> Webhook:
        """Register a webhook; unknown event types were refused by ``WebhookCreate``."""
        new = WebhookCreate.model_validate(new)
        row = await self.session.fetch_one(
            "webhooks.insert",
            id=new.id,
            user_id=new.user_id,
            url=new.url,
            events=Json([str(e) for e in new.events]),
            now=utcnow(),
        )
        return Webhook.model_validate(row)

    @checked
    async def get(self, webhook_id: UUID) -> Webhook | None:
        """The webhook with this id, or ``None``."""
        return await self.fetch_model(Webhook, "webhooks.get", id=webhook_id)

    @checked
    async def update(self, webhook_id: UUID, changes: WebhookUpdate) -> Webhook:
        """Change the fields given in ``changes``; the others stay as they are.

        ``user_id=None`` makes the webhook system-wide. With no field given
        nothing is written (updated_at stays) and the webhook comes back as it is.
        """
        if changes.given():
            params = changes.params()
            if changes.events is not None:
                params["events"] = Json([str(e) for e in changes.events])
            await self.session.execute("webhooks.update", id=webhook_id, **params)
        return await self.require_model(Webhook, "webhooks.get", "webhook", id=webhook_id)

    @checked
    async def delete(self, webhook_id: UUID) -> bool:
        """Delete a webhook; True if there was one."""
        return await self.session.execute("webhooks.delete", id=webhook_id) > 0

    @checked
    async def for_event(
        self, user_id: str | None, event_type: WebhookEvent | None = None
    ) -> List[Webhook]:
        """The webhooks to call for ``event_type`` of ``user_id``, oldest first.

        That is the user's own webhooks and the system-wide ones whose events
        hold ``event_type`` or are empty (every event). ``user_id=None`` gives
        the system-wide ones only; ``event_type=None`` matches every event.
        """
        return await self.fetch_models(
            Webhook, "webhooks.for_event", user_id=user_id, event_type=event_type
        )
