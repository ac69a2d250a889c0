-- Adopt the agent framework's database, step 2 of 2: copy its rows into the
-- tables 0004_agents created (plural names: the framework's "user" is a
-- reserved word). Its times are already TIMESTAMPTZ and its ids UUID. A NULL
-- modified_at becomes created_at; the link rows, which kept no time, are
-- stamped now. Message content, JSON text, becomes JSONB; statuses are the
-- framework's enum names ('INIT'), sqlstore's the values ('init'); a
-- message's seq is its place in created order, and new messages follow. A
-- row sqlstore's checks refuse (content that is not a JSON object, a second
-- auth token for a user, a client whose operator is in another orchestrator)
-- fails the whole adoption.
-- squawk-ignore-file require-timeout-settings -- reviewed: an offline adoption, run once
INSERT INTO users (
    id, first_name, last_name, email, profile_picture_url, created_at, modified_at
)
SELECT
    id,
    first_name,
    last_name,
    email,
    profile_picture_url,
    created_at,
    COALESCE(modified_at, created_at) AS modified_at
FROM adopt_user;

INSERT INTO orchestrators (
    id, user_id, type, name, created_at, modified_at
)
SELECT
    id,
    user_id,
    type,
    name,
    created_at,
    COALESCE(modified_at, created_at) AS modified_at
FROM adopt_orchestrator;

INSERT INTO operators (
    id, orchestrator_id, name, title, instructions, profile_picture_url, created_at,
    modified_at
)
SELECT
    id,
    orchestrator_id,
    name,
    title,
    instructions,
    profile_picture_url,
    created_at,
    COALESCE(modified_at, created_at) AS modified_at
FROM adopt_operator;

INSERT INTO clients (
    id, orchestrator_id, operator_id, client, temperature, model, created_at, modified_at
)
SELECT
    id,
    orchestrator_id,
    operator_id,
    client,
    temperature,
    model,
    created_at,
    COALESCE(modified_at, created_at) AS modified_at
FROM adopt_client;

INSERT INTO projects (
    id, orchestrator_id, name, executive_id, developer_id, direct_message_operator_id,
    created_at, modified_at
)
SELECT
    id,
    orchestrator_id,
    name,
    executive_id,
    developer_id,
    direct_message_operator_id,
    created_at,
    COALESCE(modified_at, created_at) AS modified_at
FROM adopt_project;

INSERT INTO tools (
    id, name, created_at, modified_at
)
SELECT
    id,
    name,
    created_at,
    COALESCE(modified_at, created_at) AS modified_at
FROM adopt_tool;

INSERT INTO user_tools (
    user_id, tool_id
)
SELECT
    user_id,
    tool_id
FROM adopt_usertoollink;

INSERT INTO orchestrator_tools (
    orchestrator_id, tool_id
)
SELECT
    orchestrator_id,
    tool_id
FROM adopt_orchestratortoollink;

INSERT INTO operator_tools (
    operator_id, tool_id
)
SELECT
    operator_id,
    tool_id
FROM adopt_operatortoollink;

INSERT INTO messages (
    id, seq, project_id, user_id, operator_id, type, content, prompt, status, created_at,
    modified_at
)
OVERRIDING SYSTEM VALUE
SELECT
    id,
    ROW_NUMBER() OVER (ORDER BY created_at, id) AS seq,
    project_id,
    user_id,
    operator_id,
    type,
    content::JSONB AS content,
    prompt,
    LOWER(status) AS status,
    created_at,
    COALESCE(modified_at, created_at) AS modified_at
FROM adopt_message;

INSERT INTO nodes (
    id, parent_id, created_at, modified_at
)
SELECT
    id,
    parent_id,
    created_at,
    COALESCE(modified_at, created_at) AS modified_at
FROM adopt_node;

INSERT INTO repo_nodes (
    id, parent_id, org, repo, branch, partition_type, name, summary, children_summaries,
    abs_path, created_at, modified_at
)
SELECT
    id,
    parent_id,
    org,
    repo,
    branch,
    partition_type,
    name,
    summary,
    children_summaries,
    abs_path,
    created_at,
    COALESCE(modified_at, created_at) AS modified_at
FROM adopt_reponode;

INSERT INTO auth_states (
    id, state, destination_url, created_at, modified_at
)
SELECT
    id,
    state,
    destination_url,
    created_at,
    COALESCE(modified_at, created_at) AS modified_at
FROM adopt_authstate;

INSERT INTO auth_tokens (
    id, user_id, refresh_token, created_at, modified_at
)
SELECT
    id,
    user_id,
    refresh_token,
    created_at,
    COALESCE(modified_at, created_at) AS modified_at
FROM adopt_authtoken;

INSERT INTO logs (
    id, level, message, created_at, modified_at
)
SELECT
    id,
    level,
    message,
    created_at,
    COALESCE(modified_at, created_at) AS modified_at
FROM adopt_log;

-- The seq identity goes on after the highest adopted seq.
SELECT SETVAL(PG_GET_SERIAL_SEQUENCE('messages', 'seq'), COALESCE(MAX(seq), 1), MAX(seq) IS NOT NULL)
FROM messages;

DROP TABLE
adopt_user, adopt_orchestrator, adopt_operator, adopt_client, adopt_project, adopt_tool,
adopt_usertoollink, adopt_orchestratortoollink, adopt_operatortoollink, adopt_message, adopt_node,
adopt_reponode, adopt_authstate, adopt_authtoken, adopt_log;
