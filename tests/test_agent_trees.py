"""The agent store's trees: nodes and repository nodes."""

from __future__ import annotations

import uuid

import pytest
from pydantic import ValidationError

from sqlstore import Session, Store
from sqlstore.dao.agent_trees import NodeDAO, RepoNodeDAO
from sqlstore.errors import ForeignKeyError, InvalidInput, NotFound
from sqlstore.models.agent_trees import NodeCreate, NodeUpdate, RepoNodeCreate, RepoNodeUpdate

pytestmark = pytest.mark.both_apis

# -- nodes -----------------------------------------------------------------------


def test_node_tree(session: Session) -> None:
    dao = NodeDAO(session)
    root = dao.create(NodeCreate())
    a, b = dao.create(NodeCreate(parent_id=root.id)), dao.create(NodeCreate(parent_id=root.id))
    a1 = dao.create(NodeCreate(parent_id=a.id))
    assert dao.get(a1.id) == a1 and dao.list() == [root]
    assert dao.list(root.id) == [a, b] and dao.list(root.id, limit=1, offset=1) == [b]
    assert [n.id for n in dao.subtree(a.id)] == [a.id, a1.id]
    assert dao.subtree(uuid.uuid4()) == []
    moved = dao.update(a1.id, NodeUpdate(parent_id=b.id))
    assert moved.parent_id == b.id and moved.modified_at > a1.modified_at
    assert dao.update(a1.id, NodeUpdate(parent_id=None)).parent_id is None  # now a root
    assert dao.list() == [root, dao.get(a1.id)]
    assert dao.update(a1.id, NodeUpdate()).parent_id is None
    assert dao.delete(a1.id) is True and dao.delete(a1.id) is False


def test_a_node_cannot_move_under_itself_or_its_descendants(store: Store) -> None:
    with store.session() as session:
        dao = NodeDAO(session)
        root = dao.create(NodeCreate())
        child = dao.create(NodeCreate(parent_id=root.id))
        grandchild = dao.create(NodeCreate(parent_id=child.id))
    for target in (root.id, child.id, grandchild.id):
        with pytest.raises(InvalidInput, match="itself or below"), store.session() as s:
            NodeDAO(s).update(root.id, NodeUpdate(parent_id=target))
    with pytest.raises(ForeignKeyError), store.session() as session:
        NodeDAO(session).update(child.id, NodeUpdate(parent_id=uuid.uuid4()))
    with pytest.raises(ForeignKeyError), store.session() as session:
        NodeDAO(session).create(NodeCreate(parent_id=uuid.uuid4()))
    with pytest.raises(NotFound), store.session() as session:
        NodeDAO(session).update(uuid.uuid4(), NodeUpdate(parent_id=None))
    with store.session() as session:
        assert [n.id for n in NodeDAO(session).subtree(root.id)] == [
            root.id,
            child.id,
            grandchild.id,
        ]


def _repo_node(path: str, parent: uuid.UUID | None = None, **kw: str) -> RepoNodeCreate:
    fields = {"org": "acme", "repo": "app", "partition_type": "file", "name": path.rsplit("/")[-1]}
    fields.update(kw)
    return RepoNodeCreate(abs_path=path, parent_id=parent, **fields)  # type: ignore[arg-type]


def test_repo_nodes(session: Session) -> None:
    dao = RepoNodeDAO(session)
    root = dao.create(_repo_node("/", partition_type="directory"))
    readme = dao.create(_repo_node("/README.md", root.id, summary="docs"))
    src = dao.create(_repo_node("/src", root.id, partition_type="directory"))
    dev_root = dao.create(_repo_node("/", branch="dev", partition_type="directory"))
    assert readme.branch == "main" and readme.children_summaries == ""
    assert dao.root("acme", "app") == root and dao.root("acme", "app", "dev") == dev_root
    assert dao.root("acme", "other") is None
    assert dao.get_by_path("acme", "app", "/src") == src
    assert dao.get_by_path("acme", "app", "/src", branch="dev") is None
    assert dao.list("acme", "app") == [root, readme, src]
    assert dao.list("acme", "app", "dev") == [dev_root]
    assert dao.children(root.id) == [readme, src]
    assert [n.id for n in dao.subtree(root.id)] == [root.id, readme.id, src.id]
    changed = dao.update(
        readme.id, RepoNodeUpdate(summary="the docs", children_summaries="-", parent_id=src.id)
    )
    assert (changed.summary, changed.children_summaries, changed.name) == (
        "the docs",
        "-",
        "README.md",
    )
    assert changed.parent_id == src.id and changed.modified_at > readme.modified_at
    with pytest.raises(InvalidInput):
        dao.update(root.id, RepoNodeUpdate(parent_id=changed.id))
    with pytest.raises(ValidationError):
        RepoNodeUpdate(org=None)
    assert dao.get(readme.id) == changed
    assert dao.delete(dev_root.id) and dao.get(dev_root.id) is None
