"""The agent store: users, orchestrators, operators, clients and logs, on both dialects."""

from __future__ import annotations

import uuid
from datetime import UTC

import pytest
from pydantic import ValidationError

from sqlstore import Session, Store
from sqlstore.dao.agent_projects import ProjectDAO
from sqlstore.dao.agents import (
    ClientDAO,
    LogDAO,
    OperatorDAO,
    OrchestratorDAO,
    UserDAO,
)
from sqlstore.errors import AlreadyExists, ForeignKeyError, InvalidInput, NotFound
from sqlstore.models.agent_projects import ProjectCreate
from sqlstore.models.agents import (
    ClientCreate,
    ClientUpdate,
    LogCreate,
    LogUpdate,
    OperatorCreate,
    OperatorUpdate,
    OrchestratorCreate,
    OrchestratorUpdate,
    UserUpdate,
)
from tests.factories import (
    counts,
    make_operator,
    make_orchestrator,
    make_user,
    make_world,
)

pytestmark = pytest.mark.both_apis

# -- users ---------------------------------------------------------------------


def test_user_create_get_list_delete(session: Session) -> None:
    dao = UserDAO(session)
    user = make_user(session, first_name="Ada", profile_picture_url="https://x/ada.png")
    assert user.created_at.tzinfo is UTC and user.modified_at == user.created_at
    assert dao.get(user.id) == user
    assert dao.get_by_email("ada@example.com") == user
    assert dao.get_by_email("nobody@example.com") is None
    bob = make_user(session, "bob@example.com")
    assert dao.list() == [user, bob]
    assert dao.list(limit=1, offset=1) == [bob]
    assert dao.delete(user.id) is True and dao.delete(user.id) is False
    assert dao.get(user.id) is None


def test_update_changes_only_the_given_fields_and_can_set_null(session: Session) -> None:
    dao = UserDAO(session)
    user = make_user(session, first_name="Ada", last_name="Lovelace")
    renamed = dao.update(user.id, UserUpdate(last_name="King"))
    assert (renamed.first_name, renamed.last_name, renamed.email) == ("Ada", "King", user.email)
    assert renamed.modified_at > user.modified_at and renamed.created_at == user.created_at
    cleared = dao.update(user.id, UserUpdate(first_name=None))
    assert cleared.first_name is None and cleared.last_name == "King"
    assert cleared.modified_at > renamed.modified_at
    # Nothing given: nothing written, not even modified_at.
    assert dao.update(user.id, UserUpdate()) == cleared
    assert UserUpdate(first_name=None).params() == {
        "first_name": None,
        "set_first_name": True,
        "last_name": None,
        "set_last_name": False,
        "profile_picture_url": None,
        "set_profile_picture_url": False,
    }


def test_update_of_a_missing_row_is_not_found(session: Session) -> None:
    with pytest.raises(NotFound):
        UserDAO(session).update(uuid.uuid4(), UserUpdate(first_name="x"))
    with pytest.raises(NotFound):
        UserDAO(session).update(uuid.uuid4(), UserUpdate())


def test_a_not_null_field_cannot_be_set_to_null() -> None:
    with pytest.raises(ValidationError, match="name cannot be set to null"):
        OrchestratorUpdate(name=None)
    with pytest.raises(ValidationError):
        OperatorUpdate(title=None)
    with pytest.raises(ValidationError):
        UserUpdate.model_validate({"email": "new@example.com"})  # the email does not change


def test_duplicate_email_is_already_exists_and_changes_nothing(store: Store) -> None:
    with store.session() as session:
        make_user(session)
    with pytest.raises(AlreadyExists), store.session() as session:
        make_user(session, "other@example.com")
        make_user(session)
    assert counts(store)["users"] == 1


def test_bad_ids_are_refused_alike_on_both_dialects(session: Session) -> None:
    with pytest.raises(ValidationError):
        UserDAO(session).get("not-a-uuid")  # type: ignore[arg-type]
    with pytest.raises(ValidationError):
        OperatorDAO(session).get(uuid.uuid4(), 42)  # type: ignore[arg-type]
    with pytest.raises(InvalidInput):
        UserDAO(session).list(limit=0)


# -- orchestrators ---------------------------------------------------------------


def test_orchestrator_crud_scoped_by_user(session: Session) -> None:
    dao = OrchestratorDAO(session)
    ada, bob = make_user(session), make_user(session, "bob@example.com")
    orch = make_orchestrator(session, ada)
    assert dao.get(orch.id) == orch and dao.get(orch.id, ada.id) == orch
    assert dao.get(orch.id, bob.id) is None
    assert dao.get_by_name("main", ada.id) == orch and dao.get_by_name("main", bob.id) is None
    theirs = make_orchestrator(session, bob)  # the same name for another user is fine
    assert dao.list(ada.id) == [orch] and dao.list() == [orch, theirs]
    with pytest.raises(NotFound):
        dao.update(orch.id, OrchestratorUpdate(name="x"), user_id=bob.id)
    renamed = dao.update(orch.id, OrchestratorUpdate(name="renamed"), user_id=ada.id)
    assert renamed.name == "renamed" and renamed.type == "software"
    assert renamed.modified_at > orch.modified_at
    assert dao.delete(orch.id, bob.id) is False
    assert dao.delete(orch.id, ada.id) is True and dao.get(orch.id) is None


def test_orchestrator_name_is_unique_per_user(store: Store) -> None:
    with store.session() as session:
        ada = make_user(session)
        make_orchestrator(session, ada, "one")
        two = make_orchestrator(session, ada, "two")
    with pytest.raises(AlreadyExists), store.session() as session:
        make_orchestrator(session, ada, "one")
    with pytest.raises(AlreadyExists), store.session() as session:
        OrchestratorDAO(session).update(two.id, OrchestratorUpdate(name="one"))
    with store.session() as session:
        assert [o.name for o in OrchestratorDAO(session).list(ada.id)] == ["one", "two"]


def test_orchestrator_of_a_missing_user_is_a_foreign_key_error(store: Store) -> None:
    with pytest.raises(ForeignKeyError), store.session() as session:
        OrchestratorDAO(session).create(
            OrchestratorCreate(type="software", name="x", user_id=uuid.uuid4())
        )
    assert counts(store)["orchestrators"] == 0


# -- operators -------------------------------------------------------------------


def test_creating_an_operator_creates_its_direct_message_project(session: Session) -> None:
    w = make_world(session)
    projects = ProjectDAO(session)
    dm = projects.get_direct_message(w.executive.id)
    assert dm is not None and dm.id == w.executive.direct_message_project_id
    assert dm.name == "Exec's Direct Messages" and dm.is_direct_message
    assert dm.orchestrator_id == w.orchestrator.id
    assert projects.get(dm.id, w.orchestrator.id) == dm
    # Project lists leave direct-message projects out unless asked.
    assert projects.list(w.orchestrator.id) == []
    listed = projects.list(w.orchestrator.id, include_direct_messages=True)
    assert {p.direct_message_operator_id for p in listed} == {w.executive.id, w.developer.id}
    assert OperatorDAO(session).get(w.executive.id, w.orchestrator.id) == w.executive


def test_operator_get_update_delete_are_scoped_by_orchestrator(session: Session) -> None:
    w = make_world(session)
    other = make_orchestrator(session, w.user, "other")
    dao = OperatorDAO(session)
    assert dao.get(w.executive.id, other.id) is None
    assert dao.get_by_name("Exec", w.orchestrator.id) == w.executive
    assert dao.get_by_name("Exec", other.id) is None
    assert dao.list(w.orchestrator.id) == [w.executive, w.developer]
    assert dao.list(other.id) == [] and len(dao.list()) == 2
    with pytest.raises(NotFound):
        dao.update(w.executive.id, other.id, OperatorUpdate(title="ceo"))
    assert dao.delete(w.executive.id, other.id) is False
    changed = dao.update(
        w.executive.id, w.orchestrator.id, OperatorUpdate(title="ceo", profile_picture_url="u")
    )
    assert (changed.title, changed.name, changed.profile_picture_url) == ("ceo", "Exec", "u")
    assert changed.direct_message_project_id == w.executive.direct_message_project_id
    assert changed.modified_at > w.executive.modified_at
    assert changed.created_at == w.executive.created_at
    assert dao.delete(w.executive.id, w.orchestrator.id) is True
    assert dao.get(w.executive.id, w.orchestrator.id) is None


def test_renaming_an_operator_renames_its_direct_message_project(session: Session) -> None:
    w = make_world(session)
    OperatorDAO(session).update(w.executive.id, w.orchestrator.id, OperatorUpdate(name="Boss"))
    dm = ProjectDAO(session).get_direct_message(w.executive.id)
    assert dm is not None and dm.name == "Boss's Direct Messages"


def test_operator_name_is_unique_per_orchestrator_and_a_refusal_leaves_nothing(
    store: Store,
) -> None:
    with store.session() as session:
        w = make_world(session)
        other = make_orchestrator(session, w.user, "other")
        make_operator(session, other, "Exec")  # the same name elsewhere is fine
    before = counts(store)
    with store.session() as session:
        with pytest.raises(AlreadyExists):
            make_operator(session, w.orchestrator, "Exec")
        # The session goes on: the operator and its project went back together.
        make_operator(session, w.orchestrator, "Third")
    after = counts(store)
    assert after["operators"] == before["operators"] + 1
    assert after["projects"] == before["projects"] + 1


def test_renaming_an_operator_to_a_taken_name_changes_nothing(session: Session) -> None:
    w = make_world(session)
    dao = OperatorDAO(session)
    with pytest.raises(AlreadyExists):
        dao.update(w.developer.id, w.orchestrator.id, OperatorUpdate(name="Exec"))
    # The savepoint took the attempt back; the session goes on.
    assert dao.get(w.developer.id, w.orchestrator.id) == w.developer
    dm = ProjectDAO(session).get_direct_message(w.developer.id)
    assert dm is not None and dm.name == "Dev's Direct Messages"


def test_a_direct_message_project_name_may_repeat_a_project_name(session: Session) -> None:
    w = make_world(session)
    ProjectDAO(session).create(
        ProjectCreate(name="Ops's Direct Messages", orchestrator_id=w.orchestrator.id)
    )
    ops = make_operator(session, w.orchestrator, "Ops")
    assert ops.direct_message_project_id is not None


def test_operator_of_a_missing_orchestrator_is_a_foreign_key_error(store: Store) -> None:
    with pytest.raises(ForeignKeyError), store.session() as session:
        OperatorDAO(session).create(
            OperatorCreate(instructions="i", name="n", title="t", orchestrator_id=uuid.uuid4())
        )
    assert counts(store)["operators"] == 0 and counts(store)["projects"] == 0


# -- clients ---------------------------------------------------------------------


def test_client_defaults_and_crud(session: Session) -> None:
    w = make_world(session)
    dao = ClientDAO(session)
    keys = {"operator_id": w.executive.id, "orchestrator_id": w.orchestrator.id}
    client = dao.create(ClientCreate(**keys))
    assert (client.client, client.temperature, client.model) == ("OpenAI", 0.0, "gpt-4o-mini")
    assert dao.get(client.id, **keys) == client
    assert dao.get(client.id, w.developer.id, w.orchestrator.id) is None
    dev_client = dao.create(
        ClientCreate(operator_id=w.developer.id, orchestrator_id=w.orchestrator.id, temperature=0.7)
    )
    assert dao.list(w.orchestrator.id) == [client, dev_client]
    assert dao.list(operator_id=w.developer.id) == [dev_client]
    warmer = dao.update(client.id, w.executive.id, w.orchestrator.id, ClientUpdate(temperature=1.2))
    assert warmer.temperature == 1.2 and warmer.model == "gpt-4o-mini"
    assert warmer.modified_at > client.modified_at
    with pytest.raises(NotFound):
        dao.update(client.id, w.developer.id, w.orchestrator.id, ClientUpdate(model="o1"))
    assert dao.delete(client.id, w.developer.id, w.orchestrator.id) is False
    assert dao.delete(client.id, w.executive.id, w.orchestrator.id) is True
    with pytest.raises(ValidationError):
        ClientCreate(**keys, temperature=-1)


def test_a_client_must_name_its_operators_orchestrator(store: Store) -> None:
    with store.session() as session:
        w = make_world(session)
        other = make_orchestrator(session, w.user, "other")
    with pytest.raises(ForeignKeyError), store.session() as session:
        ClientDAO(session).create(
            ClientCreate(operator_id=w.executive.id, orchestrator_id=other.id)
        )
    assert counts(store)["clients"] == 0


# -- logs ------------------------------------------------------------------------


def test_logs_newest_first(session: Session) -> None:
    dao = LogDAO(session)
    lines = [dao.write("INFO", f"line {i}") for i in range(5)]
    lines.append(dao.create(LogCreate(level="ERROR", message="boom")))
    assert dao.newest(3) == lines[:2:-1]
    assert dao.list() == lines and dao.list(limit=2, offset=4) == lines[4:]
    assert dao.get(lines[0].id) == lines[0]
    changed = dao.update(lines[0].id, LogUpdate(level="DEBUG"))
    assert changed.level == "DEBUG" and changed.message == "line 0"
    assert changed.modified_at > lines[0].modified_at
    assert dao.delete(lines[0].id) and dao.get(lines[0].id) is None
    with pytest.raises(InvalidInput):
        dao.newest(0)
    with pytest.raises(ValidationError):
        dao.write("", "empty level")
