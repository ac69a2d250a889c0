"""An app's DAO whose calls ``sqlstore check`` scans without running them."""

from __future__ import annotations

from typing import Any

from sqlstore.dao.base import BaseDAO
from tests.check_app.models import PromptRow, TaskRef


class AppDAO(BaseDAO):
    """Calls right and wrong, sync and async."""

    def good(self, text: str) -> PromptRow | None:
        """Right: the query takes :text."""
        return self.fetch_model(PromptRow, "app.prompt_by_text", text=text)

    def wrong_name(self, text: str) -> PromptRow | None:
        """Wrong: the query takes :text, not :txt."""
        return self.fetch_model(PromptRow, "app.prompt_by_text", txt=text)

    def missing(self) -> list[dict[str, Any]]:
        """Wrong: :text is not passed."""
        return self.session.fetch_all("app.prompt_by_text")

    def spread(self, params: dict[str, Any]) -> list[TaskRef]:
        """Not statically known: skipped but for the names written out."""
        return self.fetch_models(TaskRef, "app.task_refs", **params)

    def wrong_model(self) -> list[TaskRef]:
        """Wrong: the file declares PromptRow."""
        return self.fetch_models(TaskRef, "app.prompt_by_text", text="x")

    async def awaited(self, session: Any) -> Any:
        """Wrong, in an async DAO: :status is not the query's."""
        return await session.fetch_all("app.task_refs", status="x")

    def unknown(self) -> int:
        """Wrong: no such query."""
        return self.session.execute("app.no_such_query")
