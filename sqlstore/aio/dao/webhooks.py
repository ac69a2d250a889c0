"""The DAO of webhooks: who to call when a task event happens."""

from __future__ import annotations

from collections.abc import AsyncIterator
from uuid import UUID

from sqlstore.aio.dao.base import BaseDAO, streaming
from sqlstore.dao._args import checked
from sqlstore.dao._types import List
from sqlstore.errors import InvalidInput
from sqlstore.models.webhooks import Webhook, WebhookCreate, WebhookEvent, WebhookUpdate
from sqlstore.results import NEWEST_UUID, Page
from sqlstore.types import Json, utcnow

__all__ = ["WebhookDAO"]

Ids = List[UUID] | tuple[UUID, ...] | set[UUID]


def _owner(user_id: str | None, system_wide: bool) -> dict[str, object]:
    """The owner filters: one user's webhooks, the system-wide ones, or (neither) all."""
    if user_id is not None and system_wide:
        raise InvalidInput("list one user's webhooks or the system-wide ones, not both")
    return {"user_id": user_id, "system_wide": system_wide}


def _changes(changes: WebhookUpdate) -> dict[str, object]:
    params = changes.params()
    if changes.events is not None:
        params["events"] = Json([str(e) for e in changes.events])
    return params


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
            await self.session.execute("webhooks.update", id=webhook_id, **_changes(changes))
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

    @checked
    async def list(
        self,
        *,
        user_id: str | None = None,
        system_wide: bool = False,
        limit: int = 100,
        after: str | None = None,
    ) -> Page[Webhook]:
        """Webhooks newest first: one user's, the system-wide ones, or all (neither given).

        Pass a page's ``next`` as ``after`` for the next page.
        """
        filters = _owner(user_id, system_wide)
        return await self.fetch_page(Webhook, "webhooks.list", NEWEST_UUID, limit, after, filters)

    @streaming
    @checked
    def iter_all(
        self, *, user_id: str | None = None, system_wide: bool = False, batch_size: int = 1000
    ) -> AsyncIterator[Webhook]:
        """Every webhook newest first (filtered as ``list``), a page of ``batch_size`` at a time."""
        return self.iter_pages(self.list, batch_size, user_id=user_id, system_wide=system_wide)

    @checked
    async def count(self, *, user_id: str | None = None, system_wide: bool = False) -> int:
        """How many webhooks there are: one user's, the system-wide ones, or all."""
        filters = _owner(user_id, system_wide)
        return int(await self.session.fetch_value("webhooks.count", **filters))

    @checked
    async def delete_many(self, ids: Ids | None = None, *, user_id: str | None = None) -> int:
        """Delete the webhooks with these ids and/or of one user; return how many."""
        params = self.select_params(ids, user_id=user_id)
        return await self.session.execute("webhooks.delete_many", **params)

    @checked
    async def update_many(
        self, changes: WebhookUpdate, ids: Ids | None = None, *, user_id: str | None = None
    ) -> int:
        """Apply ``changes`` to the webhooks with these ids and/or of one user; return how many."""
        params = self.select_params(ids, of_user_id=user_id)
        if not changes.given():
            return 0
        return await self.session.execute("webhooks.update_many", **params, **_changes(changes))
