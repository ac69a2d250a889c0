# Generated from sqlstore/aio/dao/agent_trees.py (`make generate`): edit that file, not this one.
"""DAOs of the agent framework's trees: plain nodes and repository nodes.

Deleting a node deletes its whole subtree (the parent foreign key cascades).
Moving a node under itself or one of its descendants would make a cycle and
is refused.
"""

from __future__ import annotations

from uuid import UUID

from sqlstore.dao._args import checked
from sqlstore.dao._types import List
from sqlstore.dao.agent_base import AgentDAO
from sqlstore.errors import InvalidInput
from sqlstore.models.agent_trees import (
    Node,
    NodeCreate,
    NodeUpdate,
    RepoNode,
    RepoNodeCreate,
    RepoNodeUpdate,
)

__all__ = ["NodeDAO", "RepoNodeDAO"]


class _TreeDAO(AgentDAO):
    def _check_move(self, id: UUID, changes: NodeUpdate | RepoNodeUpdate) -> None:
        parent_id = changes.given().get("parent_id")
        if parent_id is not None and self.session.fetch_value(
            f"{self.queries}.in_subtree", id=id, candidate=parent_id
        ):
            raise InvalidInput(
                f"cannot move {self.what} {id} under {parent_id}: that is itself or below it"
            )


class NodeDAO(_TreeDAO):
    """Nodes of a tree."""

    queries, what = "agent_trees.nodes", "node"

    def create(self, new: NodeCreate) -> Node:
        """Store a node under its parent (or as a root); a missing parent is ``ForeignKeyError``."""
        return self._insert(Node, NodeCreate.model_validate(new))

    @checked
    def get(self, id: UUID) -> Node | None:
        """The node with this id, or ``None``."""
        return self._find(Node, id=id)

    @checked
    def list(
        self, parent_id: UUID | None = None, *, limit: int = 100, offset: int = 0
    ) -> List[Node]:
        """The children of ``parent_id``, or the roots when it is None; oldest first."""
        page = self.page_params(limit, offset)
        if parent_id is None:
            return self.fetch_models(Node, "agent_trees.nodes.roots", **page)
        return self.fetch_models(Node, "agent_trees.nodes.children", parent_id=parent_id, **page)

    @checked
    def subtree(self, id: UUID, *, limit: int = 10_000) -> List[Node]:
        """The node and every node below it, oldest first (empty if there is no such node)."""
        return self.fetch_models(
            Node, "agent_trees.nodes.subtree", id=id, limit=self.page_params(limit)["limit"]
        )

    @checked
    def update(self, id: UUID, changes: NodeUpdate) -> Node:
        """Move a node under a new parent (None: make it a root); a cycle is ``InvalidInput``."""
        self._check_move(id, changes)
        return self._change(Node, changes, id=id)

    @checked
    def delete(self, id: UUID) -> bool:
        """Delete a node and its whole subtree; True if there was one."""
        return self._remove(id=id)


class RepoNodeDAO(_TreeDAO):
    """Nodes of repository trees: directories, files and chunks with their summaries."""

    queries, what = "agent_trees.repo_nodes", "repository node"

    def create(self, new: RepoNodeCreate) -> RepoNode:
        """Store a repository node; a missing parent is ``ForeignKeyError``."""
        return self._insert(RepoNode, RepoNodeCreate.model_validate(new))

    @checked
    def get(self, id: UUID) -> RepoNode | None:
        """The repository node with this id, or ``None``."""
        return self._find(RepoNode, id=id)

    @checked
    def list(
        self, org: str, repo: str, branch: str = "main", *, limit: int = 100, offset: int = 0
    ) -> List[RepoNode]:
        """The nodes of one repository branch, by path."""
        return self.fetch_models(
            RepoNode,
            "agent_trees.repo_nodes.list",
            org=org,
            repo=repo,
            branch=branch,
            **self.page_params(limit, offset),
        )

    @checked
    def root(self, org: str, repo: str, branch: str = "main") -> RepoNode | None:
        """The root node (no parent) of one repository branch, or ``None``."""
        return self.fetch_model(
            RepoNode, "agent_trees.repo_nodes.root", org=org, repo=repo, branch=branch
        )

    @checked
    def get_by_path(
        self, org: str, repo: str, abs_path: str, branch: str = "main"
    ) -> RepoNode | None:
        """The node at ``abs_path`` in one repository branch, or ``None``."""
        return self.fetch_model(
            RepoNode,
            "agent_trees.repo_nodes.get_by_path",
            org=org,
            repo=repo,
            branch=branch,
            abs_path=abs_path,
        )

    @checked
    def children(self, id: UUID, *, limit: int = 100, offset: int = 0) -> List[RepoNode]:
        """The children of a node, oldest first."""
        return self.fetch_models(
            RepoNode,
            "agent_trees.repo_nodes.children",
            parent_id=id,
            **self.page_params(limit, offset),
        )

    @checked
    def subtree(self, id: UUID, *, limit: int = 10_000) -> List[RepoNode]:
        """The node and every node below it, oldest first."""
        return self.fetch_models(
            RepoNode,
            "agent_trees.repo_nodes.subtree",
            id=id,
            limit=self.page_params(limit)["limit"],
        )

    @checked
    def update(self, id: UUID, changes: RepoNodeUpdate) -> RepoNode:
        """Change the fields given in ``changes``; a move that makes a cycle is ``InvalidInput``."""
        self._check_move(id, changes)
        return self._change(RepoNode, changes, id=id)

    @checked
    def delete(self, id: UUID) -> bool:
        """Delete a node and its whole subtree; True if there was one."""
        return self._remove(id=id)
