"""Adopt a database that a replaced system created: its tables become sqlstore's, its rows kept.

Each adoptable system has a folder ``migrations/adopt/<system>/<dialect>/``
of two scripts: ``<system>_1_stash`` keeps the system's rows in temporary
tables and drops its tables; ``<system>_2_fill`` copies the rows into the
tables that sqlstore's own migrations (``CREATES``) made in between. The
scripts, those migrations and their records commit in one transaction under
the migration lock, so a failure leaves the system's database as it was.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlstore import _yoyo_backend as _yoyo
from sqlstore._adopt_rows import prepare
from sqlstore._adopt_times import OLD_TABLES
from sqlstore.dialects import dialect_class
from sqlstore.errors import MigrationError
from sqlstore.migrate import Migrator
from sqlstore.paths import builtin_dir
from sqlstore.store import Store

__all__ = ["CREATES", "adopt", "next_to_adopt"]

#: Per adoptable system, the built-in migrations that create its tables (without dialect).
CREATES: dict[str, tuple[str, ...]] = {
    "music": ("0001_generations",),
    "media": ("0002_media", "0003_tasks"),
    "agents": ("0004_agents",),
}


class _Adopter(Migrator):
    """The migrator, with one more job: run a system's scripts around the migrations it replaces."""

    def adopt(self, system: str, dialect: str) -> list[str]:
        """Stash, apply and record ``CREATES[system]``, fill: one transaction; the ids applied."""
        folder = builtin_dir("migrations") / "adopt" / system / dialect
        with self._read_locked(f"adopting the {system} database") as (backend, lock, migrations):
            known = {m.id: m for m in migrations}
            creates = [known[f"{mid}.{dialect}"] for mid in CREATES[system]]
            done = set(_yoyo.applied(backend))
            already = [m.id for m in creates if m.hash in done]
            if already:
                raise MigrationError(
                    f"cannot adopt a {system} database: {', '.join(already)} is already "
                    "applied, so its tables are sqlstore's. Nothing was changed"
                )
            stash, fill = (
                _script(folder / f"{system}_{step}.{dialect}.sql") for step in ("1_stash", "2_fill")
            )
            # What they depend on and is not applied yet (0001 for media's 0002) comes first.
            needed = _pending_before(creates, migrations, done)
            _refuse_out_of_order(system, needed, _yoyo.tables(backend))
            lock.doing(f"adopting the {system} database")
            with self._transaction(backend):
                _run(backend, stash)
                prepare(backend, system)
                for m in [*needed, *creates]:
                    m.process_steps(backend, "apply")
                    backend.log_migration(m, "apply")
                    backend.mark_one(m, log=False)
                    _yoyo.write_record(backend, m)
                _run(backend, fill)
            return [m.id for m in [*needed, *creates]]


def _pending_before(creates: list[Any], migrations: Any, done: set[str]) -> list[Any]:
    """The unapplied migrations that ``creates`` depend on, in the folders' order."""
    wanted: set[str] = set()
    todo = list(creates)
    while todo:
        for dep in todo.pop().depends:
            if dep.id not in wanted and dep.hash not in done and dep not in creates:
                wanted.add(dep.id)
                todo.append(dep)
    return [m for m in migrations if m.id in wanted]


def _refuse_out_of_order(system: str, needed: list[Any], tables: set[str]) -> None:
    """Refuse when a migration ``needed`` first creates the tables of an old system still here."""
    for m in needed:
        base = m.id.rsplit(".", 1)[0]
        owner = next((s for s, ids in CREATES.items() if base in ids), None)
        present = [t for t in OLD_TABLES.get(owner or "", ()) if t in tables]
        if owner is not None and present:
            raise MigrationError(
                f"cannot adopt the {system} database before the {owner} database: adopting "
                f"{system} applies {m.id} first, which creates the tables that replace "
                f"{owner}'s, and this database still holds {owner}'s own "
                f"({', '.join(present)}). Adopt {owner} first (sqlstore adopt {owner}), "
                f"then {system}: systems adopt in the order {', '.join(CREATES)}. "
                "Nothing was changed"
            )


def _script(path: Path) -> list[str]:
    from sqlparse import split  # yoyo's own statement splitter

    return [s for s in split(path.read_text(encoding="utf-8")) if s.strip()]


def _run(backend: Any, statements: list[str]) -> None:
    for statement in statements:
        backend.execute(statement)


def adopt(store: Store, system: str) -> list[str]:
    """Take over ``system``'s database: its tables become sqlstore's, then migrate; the ids applied.

    ``system`` is one of ``CREATES``: ``"music"`` (the music-generation
    service's ``generations`` and ``prompts``), ``"media"`` (the media-AI
    SDK's media, video, transcript, caption, tasks and webhooks) or
    ``"agents"`` (the agent framework's tables). Refused, changing nothing,
    for an unknown system, a database whose tables are already sqlstore's,
    one that still holds the tables of a system to adopt before (music, then
    media, then agents), or a row that sqlstore's checks or foreign keys refuse.
    While another system's tables are left to adopt (``next_to_adopt``), the
    pending migrations wait for its adoption, which applies them.
    """
    if system not in CREATES:
        raise MigrationError(
            f"no adoption for {system!r}: sqlstore adopts {', '.join(sorted(CREATES))}"
        )
    kind = dialect_class(store.settings.url.dialect)
    adopter = _Adopter(kind.yoyo_url_of(store.settings), store.migration_dirs)
    adopted = adopter.adopt(system, kind.name)
    if next_to_adopt(store) is not None:
        # Migrating on would create the tables that replace the next system's, over them.
        return adopted
    return [*adopted, *store.migrate()]


def next_to_adopt(store: Store) -> str | None:
    """The first system (of music, media, agents) whose old tables are here, not adopted yet."""
    kind = dialect_class(store.settings.url.dialect)
    applied = {s.id for s in store.migration_status() if s.applied}
    with _yoyo.opened(kind.yoyo_url_of(store.settings)) as backend:
        tables = _yoyo.tables(backend)
    for system, creates in CREATES.items():
        adopted = all(f"{mid}.{kind.name}" in applied for mid in creates)
        if not adopted and any(t in tables for t in OLD_TABLES[system]):
            return system
    return None
