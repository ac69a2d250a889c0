-- The agent framework's store: users, orchestrators, operators, clients,
-- projects, tools (and their three link tables), messages, the node trees,
-- auth states and tokens, and logs. Table names are plural so that none is a
-- reserved word (the framework's "user" is one in PostgreSQL).
-- depends: 0003_tasks.postgresql
-- squawk-ignore-file require-lock-timeout -- reviewed: new tables at install, no traffic
-- squawk-ignore-file require-statement-timeout -- reviewed: new, empty tables only
CREATE TABLE users (
    id UUID PRIMARY KEY,
    first_name TEXT CHECK (LENGTH(first_name) <= 64),
    last_name TEXT CHECK (LENGTH(last_name) <= 64),
    email TEXT NOT NULL CHECK (LENGTH(email) BETWEEN 1 AND 128),
    profile_picture_url TEXT CHECK (LENGTH(profile_picture_url) <= 2048),
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    modified_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    CONSTRAINT uq_users_email UNIQUE (email)
);

CREATE TABLE orchestrators (
    id UUID PRIMARY KEY,
    user_id UUID NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    type TEXT NOT NULL CHECK (LENGTH(type) BETWEEN 1 AND 32),
    name TEXT NOT NULL CHECK (LENGTH(name) BETWEEN 1 AND 32),
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    modified_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    CONSTRAINT uq_orchestrators_user_name UNIQUE (user_id, name)
);

CREATE TABLE operators (
    id UUID PRIMARY KEY,
    orchestrator_id UUID NOT NULL REFERENCES orchestrators (id) ON DELETE CASCADE,
    name TEXT NOT NULL CHECK (LENGTH(name) BETWEEN 1 AND 64),
    title TEXT NOT NULL CHECK (LENGTH(title) BETWEEN 1 AND 32),
    instructions TEXT NOT NULL,
    profile_picture_url TEXT CHECK (LENGTH(profile_picture_url) <= 2048),
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    modified_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    CONSTRAINT uq_operators_orchestrator_name UNIQUE (orchestrator_id, name),
    -- The target of the (operator, orchestrator) foreign keys below, which
    -- keep a client or direct-message project in its operator's orchestrator.
    CONSTRAINT uq_operators_id_orchestrator UNIQUE (id, orchestrator_id)
);

CREATE TABLE clients (
    id UUID PRIMARY KEY,
    orchestrator_id UUID NOT NULL,
    operator_id UUID NOT NULL,
    client TEXT NOT NULL DEFAULT 'OpenAI' CHECK (LENGTH(client) BETWEEN 1 AND 32),
    temperature DOUBLE PRECISION NOT NULL DEFAULT 0 CHECK (temperature >= 0),
    model TEXT NOT NULL DEFAULT 'gpt-4o-mini' CHECK (LENGTH(model) BETWEEN 1 AND 32),
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    modified_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    CONSTRAINT fk_clients_operator FOREIGN KEY (operator_id, orchestrator_id)
    REFERENCES operators (id, orchestrator_id) ON DELETE CASCADE
);

CREATE INDEX ix_clients_operator ON clients (operator_id, orchestrator_id);

CREATE TABLE projects (
    id UUID PRIMARY KEY,
    orchestrator_id UUID NOT NULL REFERENCES orchestrators (id) ON DELETE CASCADE,
    name TEXT NOT NULL CHECK (LENGTH(name) BETWEEN 1 AND 128),
    executive_id UUID REFERENCES operators (id) ON DELETE SET NULL,
    developer_id UUID REFERENCES operators (id) ON DELETE SET NULL,
    direct_message_operator_id UUID,
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    modified_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    CONSTRAINT uq_projects_direct_message_operator UNIQUE (direct_message_operator_id),
    CONSTRAINT fk_projects_direct_message_operator
    FOREIGN KEY (direct_message_operator_id, orchestrator_id)
    REFERENCES operators (id, orchestrator_id) ON DELETE CASCADE
);

-- Project names are unique per orchestrator; an operator's direct-message
-- project is keyed by its operator instead, so its name may repeat.
CREATE UNIQUE INDEX uq_projects_orchestrator_name ON projects (orchestrator_id, name)
WHERE direct_message_operator_id IS NULL;
CREATE INDEX ix_projects_executive_id ON projects (executive_id);
CREATE INDEX ix_projects_developer_id ON projects (developer_id);

CREATE TABLE tools (
    id UUID PRIMARY KEY,
    name TEXT NOT NULL CHECK (LENGTH(name) BETWEEN 1 AND 64),
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    modified_at TIMESTAMPTZ NOT NULL DEFAULT NOW()
);

CREATE INDEX ix_tools_name ON tools (name);

-- The link tables are keyed by their pair, as the framework's link models are.
CREATE TABLE user_tools (
    user_id UUID NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    tool_id UUID NOT NULL REFERENCES tools (id) ON DELETE CASCADE,
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    PRIMARY KEY (user_id, tool_id)
);

CREATE INDEX ix_user_tools_tool_id ON user_tools (tool_id);

CREATE TABLE orchestrator_tools (
    orchestrator_id UUID NOT NULL REFERENCES orchestrators (id) ON DELETE CASCADE,
    tool_id UUID NOT NULL REFERENCES tools (id) ON DELETE CASCADE,
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    PRIMARY KEY (orchestrator_id, tool_id)
);

CREATE INDEX ix_orchestrator_tools_tool_id ON orchestrator_tools (tool_id);

CREATE TABLE operator_tools (
    operator_id UUID NOT NULL REFERENCES operators (id) ON DELETE CASCADE,
    tool_id UUID NOT NULL REFERENCES tools (id) ON DELETE CASCADE,
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    PRIMARY KEY (operator_id, tool_id)
);

CREATE INDEX ix_operator_tools_tool_id ON operator_tools (tool_id);

-- seq is the order messages were appended in (keyset paging).
CREATE TABLE messages (
    id UUID PRIMARY KEY,
    seq BIGINT GENERATED BY DEFAULT AS IDENTITY,
    project_id UUID NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    user_id UUID REFERENCES users (id) ON DELETE CASCADE,
    operator_id UUID REFERENCES operators (id) ON DELETE CASCADE,
    type TEXT NOT NULL CHECK (LENGTH(type) BETWEEN 1 AND 128),
    content JSONB NOT NULL CHECK (JSONB_TYPEOF(content) = 'object'),
    prompt TEXT,
    status TEXT NOT NULL DEFAULT 'init'
    CHECK (status IN ('init', 'ready', 'working', 'waiting', 'finished')),
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    modified_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    CONSTRAINT uq_messages_seq UNIQUE (seq),
    CONSTRAINT ck_messages_one_sender CHECK ((user_id IS NULL) <> (operator_id IS NULL))
);

CREATE INDEX ix_messages_project_seq ON messages (project_id, seq);
CREATE INDEX ix_messages_user_id ON messages (user_id);
CREATE INDEX ix_messages_operator_id ON messages (operator_id);

CREATE TABLE nodes (
    id UUID PRIMARY KEY,
    parent_id UUID REFERENCES nodes (id) ON DELETE CASCADE,
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    modified_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    CONSTRAINT ck_nodes_not_own_parent CHECK (parent_id <> id)
);

CREATE INDEX ix_nodes_parent_id ON nodes (parent_id);

CREATE TABLE repo_nodes (
    id UUID PRIMARY KEY,
    parent_id UUID REFERENCES repo_nodes (id) ON DELETE CASCADE,
    org TEXT NOT NULL CHECK (LENGTH(org) >= 1),
    repo TEXT NOT NULL CHECK (LENGTH(repo) >= 1),
    branch TEXT NOT NULL CHECK (LENGTH(branch) >= 1),
    partition_type TEXT NOT NULL,
    name TEXT NOT NULL,
    summary TEXT NOT NULL,
    children_summaries TEXT NOT NULL,
    abs_path TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    modified_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    CONSTRAINT ck_repo_nodes_not_own_parent CHECK (parent_id <> id)
);

CREATE INDEX ix_repo_nodes_org_repo_branch ON repo_nodes (org, repo, branch, abs_path);
CREATE INDEX ix_repo_nodes_parent_id ON repo_nodes (parent_id);

CREATE TABLE auth_states (
    id UUID PRIMARY KEY,
    state TEXT NOT NULL CHECK (LENGTH(state) BETWEEN 1 AND 128),
    destination_url TEXT NOT NULL CHECK (LENGTH(destination_url) BETWEEN 1 AND 128),
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    modified_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    CONSTRAINT uq_auth_states_state UNIQUE (state)
);

CREATE TABLE auth_tokens (
    id UUID PRIMARY KEY,
    user_id UUID NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    refresh_token TEXT NOT NULL CHECK (LENGTH(refresh_token) BETWEEN 1 AND 128),
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    modified_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    CONSTRAINT uq_auth_tokens_user_id UNIQUE (user_id)
);

CREATE TABLE logs (
    id UUID PRIMARY KEY,
    level TEXT NOT NULL CHECK (LENGTH(level) BETWEEN 1 AND 32),
    message TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    modified_at TIMESTAMPTZ NOT NULL DEFAULT NOW()
);

CREATE INDEX ix_logs_created_at ON logs (created_at DESC, id DESC);

-- modified_at changes on every update. The DAOs set it themselves; this
-- trigger stamps it when an update did not (a foreign key's SET NULL, a
-- hand-written UPDATE), never earlier than just after the old value.
-- CLOCK_TIMESTAMP, not NOW: NOW is the transaction's start.
CREATE FUNCTION AGENTS_TOUCH_MODIFIED_AT() RETURNS TRIGGER
LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.modified_at IS NOT DISTINCT FROM OLD.modified_at THEN
        NEW.modified_at := GREATEST(CLOCK_TIMESTAMP(), OLD.modified_at + INTERVAL '1 microsecond');
    END IF;
    RETURN NEW;
END;
$$;

CREATE TRIGGER trg_users_modified_at
BEFORE UPDATE ON users
FOR EACH ROW EXECUTE FUNCTION AGENTS_TOUCH_MODIFIED_AT();

CREATE TRIGGER trg_orchestrators_modified_at
BEFORE UPDATE ON orchestrators
FOR EACH ROW EXECUTE FUNCTION AGENTS_TOUCH_MODIFIED_AT();

CREATE TRIGGER trg_operators_modified_at
BEFORE UPDATE ON operators
FOR EACH ROW EXECUTE FUNCTION AGENTS_TOUCH_MODIFIED_AT();

CREATE TRIGGER trg_clients_modified_at
BEFORE UPDATE ON clients
FOR EACH ROW EXECUTE FUNCTION AGENTS_TOUCH_MODIFIED_AT();

CREATE TRIGGER trg_projects_modified_at
BEFORE UPDATE ON projects
FOR EACH ROW EXECUTE FUNCTION AGENTS_TOUCH_MODIFIED_AT();

CREATE TRIGGER trg_tools_modified_at
BEFORE UPDATE ON tools
FOR EACH ROW EXECUTE FUNCTION AGENTS_TOUCH_MODIFIED_AT();

CREATE TRIGGER trg_messages_modified_at
BEFORE UPDATE ON messages
FOR EACH ROW EXECUTE FUNCTION AGENTS_TOUCH_MODIFIED_AT();

CREATE TRIGGER trg_nodes_modified_at
BEFORE UPDATE ON nodes
FOR EACH ROW EXECUTE FUNCTION AGENTS_TOUCH_MODIFIED_AT();

CREATE TRIGGER trg_repo_nodes_modified_at
BEFORE UPDATE ON repo_nodes
FOR EACH ROW EXECUTE FUNCTION AGENTS_TOUCH_MODIFIED_AT();

CREATE TRIGGER trg_auth_states_modified_at
BEFORE UPDATE ON auth_states
FOR EACH ROW EXECUTE FUNCTION AGENTS_TOUCH_MODIFIED_AT();

CREATE TRIGGER trg_auth_tokens_modified_at
BEFORE UPDATE ON auth_tokens
FOR EACH ROW EXECUTE FUNCTION AGENTS_TOUCH_MODIFIED_AT();

CREATE TRIGGER trg_logs_modified_at
BEFORE UPDATE ON logs
FOR EACH ROW EXECUTE FUNCTION AGENTS_TOUCH_MODIFIED_AT();
