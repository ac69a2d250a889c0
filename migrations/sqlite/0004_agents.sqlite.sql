-- The agent framework's store: users, orchestrators, operators, clients,
-- projects, tools (and their three link tables), messages, the node trees,
-- auth states and tokens, and logs. Table names are plural so that none is a
-- reserved word (the framework's "user" is one in PostgreSQL).
-- depends: 0003_tasks.sqlite
CREATE TABLE users (
    id TEXT PRIMARY KEY NOT NULL,
    first_name TEXT CHECK (LENGTH(first_name) <= 64),
    last_name TEXT CHECK (LENGTH(last_name) <= 64),
    email TEXT NOT NULL CHECK (LENGTH(email) BETWEEN 1 AND 128),
    profile_picture_url TEXT CHECK (LENGTH(profile_picture_url) <= 2048),
    created_at TEXT NOT NULL
    DEFAULT (STRFTIME('%Y-%m-%dT%H:%M:%f', 'now') || '000+00:00'),
    modified_at TEXT NOT NULL
    DEFAULT (STRFTIME('%Y-%m-%dT%H:%M:%f', 'now') || '000+00:00'),
    CONSTRAINT uq_users_email UNIQUE (email)
) STRICT;

CREATE TABLE orchestrators (
    id TEXT PRIMARY KEY NOT NULL,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    type TEXT NOT NULL CHECK (LENGTH(type) BETWEEN 1 AND 32),
    name TEXT NOT NULL CHECK (LENGTH(name) BETWEEN 1 AND 32),
    created_at TEXT NOT NULL
    DEFAULT (STRFTIME('%Y-%m-%dT%H:%M:%f', 'now') || '000+00:00'),
    modified_at TEXT NOT NULL
    DEFAULT (STRFTIME('%Y-%m-%dT%H:%M:%f', 'now') || '000+00:00'),
    CONSTRAINT uq_orchestrators_user_name UNIQUE (user_id, name)
) STRICT;

CREATE TABLE operators (
    id TEXT PRIMARY KEY NOT NULL,
    orchestrator_id TEXT NOT NULL REFERENCES orchestrators (id) ON DELETE CASCADE,
    name TEXT NOT NULL CHECK (LENGTH(name) BETWEEN 1 AND 64),
    title TEXT NOT NULL CHECK (LENGTH(title) BETWEEN 1 AND 32),
    instructions TEXT NOT NULL,
    profile_picture_url TEXT CHECK (LENGTH(profile_picture_url) <= 2048),
    created_at TEXT NOT NULL
    DEFAULT (STRFTIME('%Y-%m-%dT%H:%M:%f', 'now') || '000+00:00'),
    modified_at TEXT NOT NULL
    DEFAULT (STRFTIME('%Y-%m-%dT%H:%M:%f', 'now') || '000+00:00'),
    CONSTRAINT uq_operators_orchestrator_name UNIQUE (orchestrator_id, name),
    -- The target of the (operator, orchestrator) foreign keys below, which
    -- keep a client or direct-message project in its operator's orchestrator.
    CONSTRAINT uq_operators_id_orchestrator UNIQUE (id, orchestrator_id)
) STRICT;

CREATE TABLE clients (
    id TEXT PRIMARY KEY NOT NULL,
    orchestrator_id TEXT NOT NULL,
    operator_id TEXT NOT NULL,
    client TEXT NOT NULL DEFAULT 'OpenAI' CHECK (LENGTH(client) BETWEEN 1 AND 32),
    temperature REAL NOT NULL DEFAULT 0 CHECK (temperature >= 0),
    model TEXT NOT NULL DEFAULT 'gpt-4o-mini' CHECK (LENGTH(model) BETWEEN 1 AND 32),
    created_at TEXT NOT NULL
    DEFAULT (STRFTIME('%Y-%m-%dT%H:%M:%f', 'now') || '000+00:00'),
    modified_at TEXT NOT NULL
    DEFAULT (STRFTIME('%Y-%m-%dT%H:%M:%f', 'now') || '000+00:00'),
    CONSTRAINT fk_clients_operator FOREIGN KEY (operator_id, orchestrator_id)
    REFERENCES operators (id, orchestrator_id) ON DELETE CASCADE
) STRICT;

CREATE INDEX ix_clients_operator ON clients (operator_id, orchestrator_id);

CREATE TABLE projects (
    id TEXT PRIMARY KEY NOT NULL,
    orchestrator_id TEXT NOT NULL REFERENCES orchestrators (id) ON DELETE CASCADE,
    name TEXT NOT NULL CHECK (LENGTH(name) BETWEEN 1 AND 128),
    executive_id TEXT REFERENCES operators (id) ON DELETE SET NULL,
    developer_id TEXT REFERENCES operators (id) ON DELETE SET NULL,
    direct_message_operator_id TEXT,
    created_at TEXT NOT NULL
    DEFAULT (STRFTIME('%Y-%m-%dT%H:%M:%f', 'now') || '000+00:00'),
    modified_at TEXT NOT NULL
    DEFAULT (STRFTIME('%Y-%m-%dT%H:%M:%f', 'now') || '000+00:00'),
    CONSTRAINT uq_projects_direct_message_operator UNIQUE (direct_message_operator_id),
    CONSTRAINT fk_projects_direct_message_operator
    FOREIGN KEY (direct_message_operator_id, orchestrator_id)
    REFERENCES operators (id, orchestrator_id) ON DELETE CASCADE
) STRICT;

-- Project names are unique per orchestrator; an operator's direct-message
-- project is keyed by its operator instead, so its name may repeat.
CREATE UNIQUE INDEX uq_projects_orchestrator_name ON projects (orchestrator_id, name)
WHERE direct_message_operator_id IS NULL;
CREATE INDEX ix_projects_executive_id ON projects (executive_id);
CREATE INDEX ix_projects_developer_id ON projects (developer_id);

CREATE TABLE tools (
    id TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL CHECK (LENGTH(name) BETWEEN 1 AND 64),
    created_at TEXT NOT NULL
    DEFAULT (STRFTIME('%Y-%m-%dT%H:%M:%f', 'now') || '000+00:00'),
    modified_at TEXT NOT NULL
    DEFAULT (STRFTIME('%Y-%m-%dT%H:%M:%f', 'now') || '000+00:00')
) STRICT;

CREATE INDEX ix_tools_name ON tools (name);

-- The link tables are keyed by their pair, as the framework's link models are.
CREATE TABLE user_tools (
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    tool_id TEXT NOT NULL REFERENCES tools (id) ON DELETE CASCADE,
    created_at TEXT NOT NULL
    DEFAULT (STRFTIME('%Y-%m-%dT%H:%M:%f', 'now') || '000+00:00'),
    PRIMARY KEY (user_id, tool_id)
) STRICT;

CREATE INDEX ix_user_tools_tool_id ON user_tools (tool_id);

CREATE TABLE orchestrator_tools (
    orchestrator_id TEXT NOT NULL REFERENCES orchestrators (id) ON DELETE CASCADE,
    tool_id TEXT NOT NULL REFERENCES tools (id) ON DELETE CASCADE,
    created_at TEXT NOT NULL
    DEFAULT (STRFTIME('%Y-%m-%dT%H:%M:%f', 'now') || '000+00:00'),
    PRIMARY KEY (orchestrator_id, tool_id)
) STRICT;

CREATE INDEX ix_orchestrator_tools_tool_id ON orchestrator_tools (tool_id);

CREATE TABLE operator_tools (
    operator_id TEXT NOT NULL REFERENCES operators (id) ON DELETE CASCADE,
    tool_id TEXT NOT NULL REFERENCES tools (id) ON DELETE CASCADE,
    created_at TEXT NOT NULL
    DEFAULT (STRFTIME('%Y-%m-%dT%H:%M:%f', 'now') || '000+00:00'),
    PRIMARY KEY (operator_id, tool_id)
) STRICT;

CREATE INDEX ix_operator_tools_tool_id ON operator_tools (tool_id);

-- seq is the order messages were appended in (keyset paging); SQLite has no
-- identity column, so the insert takes the next number under the write lock.
CREATE TABLE messages (
    id TEXT PRIMARY KEY NOT NULL,
    seq INTEGER NOT NULL,
    project_id TEXT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    user_id TEXT REFERENCES users (id) ON DELETE CASCADE,
    operator_id TEXT REFERENCES operators (id) ON DELETE CASCADE,
    type TEXT NOT NULL CHECK (LENGTH(type) BETWEEN 1 AND 128),
    content TEXT NOT NULL CHECK (JSON_VALID(content) AND JSON_TYPE(content) = 'object'),
    prompt TEXT,
    status TEXT NOT NULL DEFAULT 'init'
    CHECK (status IN ('init', 'ready', 'working', 'waiting', 'finished')),
    created_at TEXT NOT NULL
    DEFAULT (STRFTIME('%Y-%m-%dT%H:%M:%f', 'now') || '000+00:00'),
    modified_at TEXT NOT NULL
    DEFAULT (STRFTIME('%Y-%m-%dT%H:%M:%f', 'now') || '000+00:00'),
    CONSTRAINT uq_messages_seq UNIQUE (seq),
    CONSTRAINT ck_messages_one_sender CHECK ((user_id IS NULL) <> (operator_id IS NULL))
) STRICT;

CREATE INDEX ix_messages_project_seq ON messages (project_id, seq);
CREATE INDEX ix_messages_user_id ON messages (user_id);
CREATE INDEX ix_messages_operator_id ON messages (operator_id);

CREATE TABLE nodes (
    id TEXT PRIMARY KEY NOT NULL,
    parent_id TEXT REFERENCES nodes (id) ON DELETE CASCADE,
    created_at TEXT NOT NULL
    DEFAULT (STRFTIME('%Y-%m-%dT%H:%M:%f', 'now') || '000+00:00'),
    modified_at TEXT NOT NULL
    DEFAULT (STRFTIME('%Y-%m-%dT%H:%M:%f', 'now') || '000+00:00'),
    CONSTRAINT ck_nodes_not_own_parent CHECK (parent_id <> id)
) STRICT;

CREATE INDEX ix_nodes_parent_id ON nodes (parent_id);

CREATE TABLE repo_nodes (
    id TEXT PRIMARY KEY NOT NULL,
    parent_id TEXT REFERENCES repo_nodes (id) ON DELETE CASCADE,
    org TEXT NOT NULL CHECK (LENGTH(org) >= 1),
    repo TEXT NOT NULL CHECK (LENGTH(repo) >= 1),
    branch TEXT NOT NULL CHECK (LENGTH(branch) >= 1),
    partition_type TEXT NOT NULL,
    name TEXT NOT NULL,
    summary TEXT NOT NULL,
    children_summaries TEXT NOT NULL,
    abs_path TEXT NOT NULL,
    created_at TEXT NOT NULL
    DEFAULT (STRFTIME('%Y-%m-%dT%H:%M:%f', 'now') || '000+00:00'),
    modified_at TEXT NOT NULL
    DEFAULT (STRFTIME('%Y-%m-%dT%H:%M:%f', 'now') || '000+00:00'),
    CONSTRAINT ck_repo_nodes_not_own_parent CHECK (parent_id <> id)
) STRICT;

CREATE INDEX ix_repo_nodes_org_repo_branch ON repo_nodes (org, repo, branch, abs_path);
CREATE INDEX ix_repo_nodes_parent_id ON repo_nodes (parent_id);

CREATE TABLE auth_states (
    id TEXT PRIMARY KEY NOT NULL,
    state TEXT NOT NULL CHECK (LENGTH(state) BETWEEN 1 AND 128),
    destination_url TEXT NOT NULL CHECK (LENGTH(destination_url) BETWEEN 1 AND 128),
    created_at TEXT NOT NULL
    DEFAULT (STRFTIME('%Y-%m-%dT%H:%M:%f', 'now') || '000+00:00'),
    modified_at TEXT NOT NULL
    DEFAULT (STRFTIME('%Y-%m-%dT%H:%M:%f', 'now') || '000+00:00'),
    CONSTRAINT uq_auth_states_state UNIQUE (state)
) STRICT;

CREATE TABLE auth_tokens (
    id TEXT PRIMARY KEY NOT NULL,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    refresh_token TEXT NOT NULL CHECK (LENGTH(refresh_token) BETWEEN 1 AND 128),
    created_at TEXT NOT NULL
    DEFAULT (STRFTIME('%Y-%m-%dT%H:%M:%f', 'now') || '000+00:00'),
    modified_at TEXT NOT NULL
    DEFAULT (STRFTIME('%Y-%m-%dT%H:%M:%f', 'now') || '000+00:00'),
    CONSTRAINT uq_auth_tokens_user_id UNIQUE (user_id)
) STRICT;

CREATE TABLE logs (
    id TEXT PRIMARY KEY NOT NULL,
    level TEXT NOT NULL CHECK (LENGTH(level) BETWEEN 1 AND 32),
    message TEXT NOT NULL,
    created_at TEXT NOT NULL
    DEFAULT (STRFTIME('%Y-%m-%dT%H:%M:%f', 'now') || '000+00:00'),
    modified_at TEXT NOT NULL
    DEFAULT (STRFTIME('%Y-%m-%dT%H:%M:%f', 'now') || '000+00:00')
) STRICT;

CREATE INDEX ix_logs_created_at ON logs (created_at DESC, id DESC);

-- modified_at changes on every update. The DAOs set it themselves; these
-- triggers stamp it when an update did not (a foreign key's SET NULL, a
-- hand-written UPDATE), never earlier than a millisecond after the old value.
-- recursive_triggers is off, so the inner UPDATE does not fire them again.
CREATE TRIGGER trg_users_modified_at
AFTER UPDATE ON users
FOR EACH ROW
WHEN new.modified_at = old.modified_at
BEGIN
    UPDATE users
    SET modified_at = MAX(
        STRFTIME('%Y-%m-%dT%H:%M:%f', 'now') || '000+00:00',
        STRFTIME('%Y-%m-%dT%H:%M:%f', old.modified_at, '+0.001 seconds') || '000+00:00'
    )
    WHERE id = new.id;
END;

CREATE TRIGGER trg_orchestrators_modified_at
AFTER UPDATE ON orchestrators
FOR EACH ROW
WHEN new.modified_at = old.modified_at
BEGIN
    UPDATE orchestrators
    SET modified_at = MAX(
        STRFTIME('%Y-%m-%dT%H:%M:%f', 'now') || '000+00:00',
        STRFTIME('%Y-%m-%dT%H:%M:%f', old.modified_at, '+0.001 seconds') || '000+00:00'
    )
    WHERE id = new.id;
END;

CREATE TRIGGER trg_operators_modified_at
AFTER UPDATE ON operators
FOR EACH ROW
WHEN new.modified_at = old.modified_at
BEGIN
    UPDATE operators
    SET modified_at = MAX(
        STRFTIME('%Y-%m-%dT%H:%M:%f', 'now') || '000+00:00',
        STRFTIME('%Y-%m-%dT%H:%M:%f', old.modified_at, '+0.001 seconds') || '000+00:00'
    )
    WHERE id = new.id;
END;

CREATE TRIGGER trg_clients_modified_at
AFTER UPDATE ON clients
FOR EACH ROW
WHEN new.modified_at = old.modified_at
BEGIN
    UPDATE clients
    SET modified_at = MAX(
        STRFTIME('%Y-%m-%dT%H:%M:%f', 'now') || '000+00:00',
        STRFTIME('%Y-%m-%dT%H:%M:%f', old.modified_at, '+0.001 seconds') || '000+00:00'
    )
    WHERE id = new.id;
END;

CREATE TRIGGER trg_projects_modified_at
AFTER UPDATE ON projects
FOR EACH ROW
WHEN new.modified_at = old.modified_at
BEGIN
    UPDATE projects
    SET modified_at = MAX(
        STRFTIME('%Y-%m-%dT%H:%M:%f', 'now') || '000+00:00',
        STRFTIME('%Y-%m-%dT%H:%M:%f', old.modified_at, '+0.001 seconds') || '000+00:00'
    )
    WHERE id = new.id;
END;

CREATE TRIGGER trg_tools_modified_at
AFTER UPDATE ON tools
FOR EACH ROW
WHEN new.modified_at = old.modified_at
BEGIN
    UPDATE tools
    SET modified_at = MAX(
        STRFTIME('%Y-%m-%dT%H:%M:%f', 'now') || '000+00:00',
        STRFTIME('%Y-%m-%dT%H:%M:%f', old.modified_at, '+0.001 seconds') || '000+00:00'
    )
    WHERE id = new.id;
END;

CREATE TRIGGER trg_messages_modified_at
AFTER UPDATE ON messages
FOR EACH ROW
WHEN new.modified_at = old.modified_at
BEGIN
    UPDATE messages
    SET modified_at = MAX(
        STRFTIME('%Y-%m-%dT%H:%M:%f', 'now') || '000+00:00',
        STRFTIME('%Y-%m-%dT%H:%M:%f', old.modified_at, '+0.001 seconds') || '000+00:00'
    )
    WHERE id = new.id;
END;

CREATE TRIGGER trg_nodes_modified_at
AFTER UPDATE ON nodes
FOR EACH ROW
WHEN new.modified_at = old.modified_at
BEGIN
    UPDATE nodes
    SET modified_at = MAX(
        STRFTIME('%Y-%m-%dT%H:%M:%f', 'now') || '000+00:00',
        STRFTIME('%Y-%m-%dT%H:%M:%f', old.modified_at, '+0.001 seconds') || '000+00:00'
    )
    WHERE id = new.id;
END;

CREATE TRIGGER trg_repo_nodes_modified_at
AFTER UPDATE ON repo_nodes
FOR EACH ROW
WHEN new.modified_at = old.modified_at
BEGIN
    UPDATE repo_nodes
    SET modified_at = MAX(
        STRFTIME('%Y-%m-%dT%H:%M:%f', 'now') || '000+00:00',
        STRFTIME('%Y-%m-%dT%H:%M:%f', old.modified_at, '+0.001 seconds') || '000+00:00'
    )
    WHERE id = new.id;
END;

CREATE TRIGGER trg_auth_states_modified_at
AFTER UPDATE ON auth_states
FOR EACH ROW
WHEN new.modified_at = old.modified_at
BEGIN
    UPDATE auth_states
    SET modified_at = MAX(
        STRFTIME('%Y-%m-%dT%H:%M:%f', 'now') || '000+00:00',
        STRFTIME('%Y-%m-%dT%H:%M:%f', old.modified_at, '+0.001 seconds') || '000+00:00'
    )
    WHERE id = new.id;
END;

CREATE TRIGGER trg_auth_tokens_modified_at
AFTER UPDATE ON auth_tokens
FOR EACH ROW
WHEN new.modified_at = old.modified_at
BEGIN
    UPDATE auth_tokens
    SET modified_at = MAX(
        STRFTIME('%Y-%m-%dT%H:%M:%f', 'now') || '000+00:00',
        STRFTIME('%Y-%m-%dT%H:%M:%f', old.modified_at, '+0.001 seconds') || '000+00:00'
    )
    WHERE id = new.id;
END;

CREATE TRIGGER trg_logs_modified_at
AFTER UPDATE ON logs
FOR EACH ROW
WHEN new.modified_at = old.modified_at
BEGIN
    UPDATE logs
    SET modified_at = MAX(
        STRFTIME('%Y-%m-%dT%H:%M:%f', 'now') || '000+00:00',
        STRFTIME('%Y-%m-%dT%H:%M:%f', old.modified_at, '+0.001 seconds') || '000+00:00'
    )
    WHERE id = new.id;
END;
