-- Adopt the agent framework's database, step 2 of 2: copy its rows into the
-- tables 0004_agents created (plural names: the framework's "user" is a
-- reserved word in PostgreSQL). SQLModel wrote uuids as 32 hex digits and
-- naive UTC times as 'YYYY-MM-DD HH:MM:SS[.ffffff]'; sqlstore keeps the
-- uuid's canonical text and fixed-width ISO-8601 UTC text. A NULL modified_at
-- becomes created_at; the link rows, which kept no time, are stamped now.
-- Message statuses are the framework's enum names ('INIT'), sqlstore's the
-- values ('init'); a message's seq is its place in created order. A row
-- sqlstore's checks refuse (content that is not a JSON object, a second auth
-- token for a user, a client whose operator is in another orchestrator, an
-- id that is not 32 hex digits) fails the whole adoption.
INSERT INTO users (
    id, first_name, last_name, email, profile_picture_url, created_at, modified_at
)
SELECT
    CASE
        WHEN LENGTH(id) = 32 AND id NOT GLOB '*[^0-9a-fA-F]*'
            THEN
                LOWER(
                    SUBSTR(id, 1, 8) || '-' || SUBSTR(id, 9, 4) || '-' || SUBSTR(id, 13, 4)
                    || '-' || SUBSTR(id, 17, 4) || '-' || SUBSTR(id, 21)
                )
    END AS id,
    first_name,
    last_name,
    email,
    profile_picture_url,
    STRFTIME('%Y-%m-%dT%H:%M:%S', created_at)
    || '.' || SUBSTR(SUBSTR(created_at, 21) || '000000', 1, 6) || '+00:00' AS created_at,
    STRFTIME('%Y-%m-%dT%H:%M:%S', COALESCE(modified_at, created_at))
    || '.' || SUBSTR(SUBSTR(COALESCE(modified_at, created_at), 21) || '000000', 1, 6)
    || '+00:00' AS modified_at
FROM adopt_user;

INSERT INTO orchestrators (
    id, user_id, type, name, created_at, modified_at
)
SELECT
    CASE
        WHEN LENGTH(id) = 32 AND id NOT GLOB '*[^0-9a-fA-F]*'
            THEN
                LOWER(
                    SUBSTR(id, 1, 8) || '-' || SUBSTR(id, 9, 4) || '-' || SUBSTR(id, 13, 4)
                    || '-' || SUBSTR(id, 17, 4) || '-' || SUBSTR(id, 21)
                )
    END AS id,
    CASE
        WHEN LENGTH(user_id) = 32 AND user_id NOT GLOB '*[^0-9a-fA-F]*'
            THEN
                LOWER(
                    SUBSTR(user_id, 1, 8) || '-' || SUBSTR(user_id, 9, 4) || '-' || SUBSTR(user_id, 13, 4)
                    || '-' || SUBSTR(user_id, 17, 4) || '-' || SUBSTR(user_id, 21)
                )
    END AS user_id,
    type,
    name,
    STRFTIME('%Y-%m-%dT%H:%M:%S', created_at)
    || '.' || SUBSTR(SUBSTR(created_at, 21) || '000000', 1, 6) || '+00:00' AS created_at,
    STRFTIME('%Y-%m-%dT%H:%M:%S', COALESCE(modified_at, created_at))
    || '.' || SUBSTR(SUBSTR(COALESCE(modified_at, created_at), 21) || '000000', 1, 6)
    || '+00:00' AS modified_at
FROM adopt_orchestrator;

INSERT INTO operators (
    id, orchestrator_id, name, title, instructions, profile_picture_url, created_at,
    modified_at
)
SELECT
    CASE
        WHEN LENGTH(id) = 32 AND id NOT GLOB '*[^0-9a-fA-F]*'
            THEN
                LOWER(
                    SUBSTR(id, 1, 8) || '-' || SUBSTR(id, 9, 4) || '-' || SUBSTR(id, 13, 4)
                    || '-' || SUBSTR(id, 17, 4) || '-' || SUBSTR(id, 21)
                )
    END AS id,
    CASE
        WHEN LENGTH(orchestrator_id) = 32 AND orchestrator_id NOT GLOB '*[^0-9a-fA-F]*'
            THEN
                LOWER(
                    SUBSTR(orchestrator_id, 1, 8) || '-' || SUBSTR(orchestrator_id, 9, 4) || '-' || SUBSTR(orchestrator_id, 13, 4)
                    || '-' || SUBSTR(orchestrator_id, 17, 4) || '-' || SUBSTR(orchestrator_id, 21)
                )
    END AS orchestrator_id,
    name,
    title,
    instructions,
    profile_picture_url,
    STRFTIME('%Y-%m-%dT%H:%M:%S', created_at)
    || '.' || SUBSTR(SUBSTR(created_at, 21) || '000000', 1, 6) || '+00:00' AS created_at,
    STRFTIME('%Y-%m-%dT%H:%M:%S', COALESCE(modified_at, created_at))
    || '.' || SUBSTR(SUBSTR(COALESCE(modified_at, created_at), 21) || '000000', 1, 6)
    || '+00:00' AS modified_at
FROM adopt_operator;

INSERT INTO clients (
    id, orchestrator_id, operator_id, client, temperature, model, created_at, modified_at
)
SELECT
    CASE
        WHEN LENGTH(id) = 32 AND id NOT GLOB '*[^0-9a-fA-F]*'
            THEN
                LOWER(
                    SUBSTR(id, 1, 8) || '-' || SUBSTR(id, 9, 4) || '-' || SUBSTR(id, 13, 4)
                    || '-' || SUBSTR(id, 17, 4) || '-' || SUBSTR(id, 21)
                )
    END AS id,
    CASE
        WHEN LENGTH(orchestrator_id) = 32 AND orchestrator_id NOT GLOB '*[^0-9a-fA-F]*'
            THEN
                LOWER(
                    SUBSTR(orchestrator_id, 1, 8) || '-' || SUBSTR(orchestrator_id, 9, 4) || '-' || SUBSTR(orchestrator_id, 13, 4)
                    || '-' || SUBSTR(orchestrator_id, 17, 4) || '-' || SUBSTR(orchestrator_id, 21)
                )
    END AS orchestrator_id,
    CASE
        WHEN LENGTH(operator_id) = 32 AND operator_id NOT GLOB '*[^0-9a-fA-F]*'
            THEN
                LOWER(
                    SUBSTR(operator_id, 1, 8) || '-' || SUBSTR(operator_id, 9, 4) || '-' || SUBSTR(operator_id, 13, 4)
                    || '-' || SUBSTR(operator_id, 17, 4) || '-' || SUBSTR(operator_id, 21)
                )
    END AS operator_id,
    client,
    temperature,
    model,
    STRFTIME('%Y-%m-%dT%H:%M:%S', created_at)
    || '.' || SUBSTR(SUBSTR(created_at, 21) || '000000', 1, 6) || '+00:00' AS created_at,
    STRFTIME('%Y-%m-%dT%H:%M:%S', COALESCE(modified_at, created_at))
    || '.' || SUBSTR(SUBSTR(COALESCE(modified_at, created_at), 21) || '000000', 1, 6)
    || '+00:00' AS modified_at
FROM adopt_client;

INSERT INTO projects (
    id, orchestrator_id, name, executive_id, developer_id, direct_message_operator_id,
    created_at, modified_at
)
SELECT
    CASE
        WHEN LENGTH(id) = 32 AND id NOT GLOB '*[^0-9a-fA-F]*'
            THEN
                LOWER(
                    SUBSTR(id, 1, 8) || '-' || SUBSTR(id, 9, 4) || '-' || SUBSTR(id, 13, 4)
                    || '-' || SUBSTR(id, 17, 4) || '-' || SUBSTR(id, 21)
                )
    END AS id,
    CASE
        WHEN LENGTH(orchestrator_id) = 32 AND orchestrator_id NOT GLOB '*[^0-9a-fA-F]*'
            THEN
                LOWER(
                    SUBSTR(orchestrator_id, 1, 8) || '-' || SUBSTR(orchestrator_id, 9, 4) || '-' || SUBSTR(orchestrator_id, 13, 4)
                    || '-' || SUBSTR(orchestrator_id, 17, 4) || '-' || SUBSTR(orchestrator_id, 21)
                )
    END AS orchestrator_id,
    name,
    CASE
        WHEN LENGTH(executive_id) = 32 AND executive_id NOT GLOB '*[^0-9a-fA-F]*'
            THEN
                LOWER(
                    SUBSTR(executive_id, 1, 8) || '-' || SUBSTR(executive_id, 9, 4) || '-' || SUBSTR(executive_id, 13, 4)
                    || '-' || SUBSTR(executive_id, 17, 4) || '-' || SUBSTR(executive_id, 21)
                )
    END AS executive_id,
    CASE
        WHEN LENGTH(developer_id) = 32 AND developer_id NOT GLOB '*[^0-9a-fA-F]*'
            THEN
                LOWER(
                    SUBSTR(developer_id, 1, 8) || '-' || SUBSTR(developer_id, 9, 4) || '-' || SUBSTR(developer_id, 13, 4)
                    || '-' || SUBSTR(developer_id, 17, 4) || '-' || SUBSTR(developer_id, 21)
                )
    END AS developer_id,
    CASE
        WHEN LENGTH(direct_message_operator_id) = 32 AND direct_message_operator_id NOT GLOB '*[^0-9a-fA-F]*'
            THEN
                LOWER(
                    SUBSTR(direct_message_operator_id, 1, 8) || '-' || SUBSTR(direct_message_operator_id, 9, 4) || '-' || SUBSTR(direct_message_operator_id, 13, 4)
                    || '-' || SUBSTR(direct_message_operator_id, 17, 4) || '-' || SUBSTR(direct_message_operator_id, 21)
                )
    END AS direct_message_operator_id,
    STRFTIME('%Y-%m-%dT%H:%M:%S', created_at)
    || '.' || SUBSTR(SUBSTR(created_at, 21) || '000000', 1, 6) || '+00:00' AS created_at,
    STRFTIME('%Y-%m-%dT%H:%M:%S', COALESCE(modified_at, created_at))
    || '.' || SUBSTR(SUBSTR(COALESCE(modified_at, created_at), 21) || '000000', 1, 6)
    || '+00:00' AS modified_at
FROM adopt_project;

INSERT INTO tools (
    id, name, created_at, modified_at
)
SELECT
    CASE
        WHEN LENGTH(id) = 32 AND id NOT GLOB '*[^0-9a-fA-F]*'
            THEN
                LOWER(
                    SUBSTR(id, 1, 8) || '-' || SUBSTR(id, 9, 4) || '-' || SUBSTR(id, 13, 4)
                    || '-' || SUBSTR(id, 17, 4) || '-' || SUBSTR(id, 21)
                )
    END AS id,
    name,
    STRFTIME('%Y-%m-%dT%H:%M:%S', created_at)
    || '.' || SUBSTR(SUBSTR(created_at, 21) || '000000', 1, 6) || '+00:00' AS created_at,
    STRFTIME('%Y-%m-%dT%H:%M:%S', COALESCE(modified_at, created_at))
    || '.' || SUBSTR(SUBSTR(COALESCE(modified_at, created_at), 21) || '000000', 1, 6)
    || '+00:00' AS modified_at
FROM adopt_tool;

INSERT INTO user_tools (
    user_id, tool_id
)
SELECT
    CASE
        WHEN LENGTH(user_id) = 32 AND user_id NOT GLOB '*[^0-9a-fA-F]*'
            THEN
                LOWER(
                    SUBSTR(user_id, 1, 8) || '-' || SUBSTR(user_id, 9, 4) || '-' || SUBSTR(user_id, 13, 4)
                    || '-' || SUBSTR(user_id, 17, 4) || '-' || SUBSTR(user_id, 21)
                )
    END AS user_id,
    CASE
        WHEN LENGTH(tool_id) = 32 AND tool_id NOT GLOB '*[^0-9a-fA-F]*'
            THEN
                LOWER(
                    SUBSTR(tool_id, 1, 8) || '-' || SUBSTR(tool_id, 9, 4) || '-' || SUBSTR(tool_id, 13, 4)
                    || '-' || SUBSTR(tool_id, 17, 4) || '-' || SUBSTR(tool_id, 21)
                )
    END AS tool_id
FROM adopt_usertoollink;

INSERT INTO orchestrator_tools (
    orchestrator_id, tool_id
)
SELECT
    CASE
        WHEN LENGTH(orchestrator_id) = 32 AND orchestrator_id NOT GLOB '*[^0-9a-fA-F]*'
            THEN
                LOWER(
                    SUBSTR(orchestrator_id, 1, 8) || '-' || SUBSTR(orchestrator_id, 9, 4) || '-' || SUBSTR(orchestrator_id, 13, 4)
                    || '-' || SUBSTR(orchestrator_id, 17, 4) || '-' || SUBSTR(orchestrator_id, 21)
                )
    END AS orchestrator_id,
    CASE
        WHEN LENGTH(tool_id) = 32 AND tool_id NOT GLOB '*[^0-9a-fA-F]*'
            THEN
                LOWER(
                    SUBSTR(tool_id, 1, 8) || '-' || SUBSTR(tool_id, 9, 4) || '-' || SUBSTR(tool_id, 13, 4)
                    || '-' || SUBSTR(tool_id, 17, 4) || '-' || SUBSTR(tool_id, 21)
                )
    END AS tool_id
FROM adopt_orchestratortoollink;

INSERT INTO operator_tools (
    operator_id, tool_id
)
SELECT
    CASE
        WHEN LENGTH(operator_id) = 32 AND operator_id NOT GLOB '*[^0-9a-fA-F]*'
            THEN
                LOWER(
                    SUBSTR(operator_id, 1, 8) || '-' || SUBSTR(operator_id, 9, 4) || '-' || SUBSTR(operator_id, 13, 4)
                    || '-' || SUBSTR(operator_id, 17, 4) || '-' || SUBSTR(operator_id, 21)
                )
    END AS operator_id,
    CASE
        WHEN LENGTH(tool_id) = 32 AND tool_id NOT GLOB '*[^0-9a-fA-F]*'
            THEN
                LOWER(
                    SUBSTR(tool_id, 1, 8) || '-' || SUBSTR(tool_id, 9, 4) || '-' || SUBSTR(tool_id, 13, 4)
                    || '-' || SUBSTR(tool_id, 17, 4) || '-' || SUBSTR(tool_id, 21)
                )
    END AS tool_id
FROM adopt_operatortoollink;

INSERT INTO messages (
    id, seq, project_id, user_id, operator_id, type, content, prompt, status, created_at,
    modified_at
)
SELECT
    CASE
        WHEN LENGTH(id) = 32 AND id NOT GLOB '*[^0-9a-fA-F]*'
            THEN
                LOWER(
                    SUBSTR(id, 1, 8) || '-' || SUBSTR(id, 9, 4) || '-' || SUBSTR(id, 13, 4)
                    || '-' || SUBSTR(id, 17, 4) || '-' || SUBSTR(id, 21)
                )
    END AS id,
    ROW_NUMBER() OVER (ORDER BY created_at, id) AS seq,
    CASE
        WHEN LENGTH(project_id) = 32 AND project_id NOT GLOB '*[^0-9a-fA-F]*'
            THEN
                LOWER(
                    SUBSTR(project_id, 1, 8) || '-' || SUBSTR(project_id, 9, 4) || '-' || SUBSTR(project_id, 13, 4)
                    || '-' || SUBSTR(project_id, 17, 4) || '-' || SUBSTR(project_id, 21)
                )
    END AS project_id,
    CASE
        WHEN LENGTH(user_id) = 32 AND user_id NOT GLOB '*[^0-9a-fA-F]*'
            THEN
                LOWER(
                    SUBSTR(user_id, 1, 8) || '-' || SUBSTR(user_id, 9, 4) || '-' || SUBSTR(user_id, 13, 4)
                    || '-' || SUBSTR(user_id, 17, 4) || '-' || SUBSTR(user_id, 21)
                )
    END AS user_id,
    CASE
        WHEN LENGTH(operator_id) = 32 AND operator_id NOT GLOB '*[^0-9a-fA-F]*'
            THEN
                LOWER(
                    SUBSTR(operator_id, 1, 8) || '-' || SUBSTR(operator_id, 9, 4) || '-' || SUBSTR(operator_id, 13, 4)
                    || '-' || SUBSTR(operator_id, 17, 4) || '-' || SUBSTR(operator_id, 21)
                )
    END AS operator_id,
    type,
    content,
    prompt,
    LOWER(status) AS status,
    STRFTIME('%Y-%m-%dT%H:%M:%S', created_at)
    || '.' || SUBSTR(SUBSTR(created_at, 21) || '000000', 1, 6) || '+00:00' AS created_at,
    STRFTIME('%Y-%m-%dT%H:%M:%S', COALESCE(modified_at, created_at))
    || '.' || SUBSTR(SUBSTR(COALESCE(modified_at, created_at), 21) || '000000', 1, 6)
    || '+00:00' AS modified_at
FROM adopt_message;

INSERT INTO nodes (
    id, parent_id, created_at, modified_at
)
SELECT
    CASE
        WHEN LENGTH(id) = 32 AND id NOT GLOB '*[^0-9a-fA-F]*'
            THEN
                LOWER(
                    SUBSTR(id, 1, 8) || '-' || SUBSTR(id, 9, 4) || '-' || SUBSTR(id, 13, 4)
                    || '-' || SUBSTR(id, 17, 4) || '-' || SUBSTR(id, 21)
                )
    END AS id,
    CASE
        WHEN LENGTH(parent_id) = 32 AND parent_id NOT GLOB '*[^0-9a-fA-F]*'
            THEN
                LOWER(
                    SUBSTR(parent_id, 1, 8) || '-' || SUBSTR(parent_id, 9, 4) || '-' || SUBSTR(parent_id, 13, 4)
                    || '-' || SUBSTR(parent_id, 17, 4) || '-' || SUBSTR(parent_id, 21)
                )
    END AS parent_id,
    STRFTIME('%Y-%m-%dT%H:%M:%S', created_at)
    || '.' || SUBSTR(SUBSTR(created_at, 21) || '000000', 1, 6) || '+00:00' AS created_at,
    STRFTIME('%Y-%m-%dT%H:%M:%S', COALESCE(modified_at, created_at))
    || '.' || SUBSTR(SUBSTR(COALESCE(modified_at, created_at), 21) || '000000', 1, 6)
    || '+00:00' AS modified_at
FROM adopt_node;

INSERT INTO repo_nodes (
    id, parent_id, org, repo, branch, partition_type, name, summary, children_summaries,
    abs_path, created_at, modified_at
)
SELECT
    CASE
        WHEN LENGTH(id) = 32 AND id NOT GLOB '*[^0-9a-fA-F]*'
            THEN
                LOWER(
                    SUBSTR(id, 1, 8) || '-' || SUBSTR(id, 9, 4) || '-' || SUBSTR(id, 13, 4)
                    || '-' || SUBSTR(id, 17, 4) || '-' || SUBSTR(id, 21)
                )
    END AS id,
    CASE
        WHEN LENGTH(parent_id) = 32 AND parent_id NOT GLOB '*[^0-9a-fA-F]*'
            THEN
                LOWER(
                    SUBSTR(parent_id, 1, 8) || '-' || SUBSTR(parent_id, 9, 4) || '-' || SUBSTR(parent_id, 13, 4)
                    || '-' || SUBSTR(parent_id, 17, 4) || '-' || SUBSTR(parent_id, 21)
                )
    END AS parent_id,
    org,
    repo,
    branch,
    partition_type,
    name,
    summary,
    children_summaries,
    abs_path,
    STRFTIME('%Y-%m-%dT%H:%M:%S', created_at)
    || '.' || SUBSTR(SUBSTR(created_at, 21) || '000000', 1, 6) || '+00:00' AS created_at,
    STRFTIME('%Y-%m-%dT%H:%M:%S', COALESCE(modified_at, created_at))
    || '.' || SUBSTR(SUBSTR(COALESCE(modified_at, created_at), 21) || '000000', 1, 6)
    || '+00:00' AS modified_at
FROM adopt_reponode;

INSERT INTO auth_states (
    id, state, destination_url, created_at, modified_at
)
SELECT
    CASE
        WHEN LENGTH(id) = 32 AND id NOT GLOB '*[^0-9a-fA-F]*'
            THEN
                LOWER(
                    SUBSTR(id, 1, 8) || '-' || SUBSTR(id, 9, 4) || '-' || SUBSTR(id, 13, 4)
                    || '-' || SUBSTR(id, 17, 4) || '-' || SUBSTR(id, 21)
                )
    END AS id,
    state,
    destination_url,
    STRFTIME('%Y-%m-%dT%H:%M:%S', created_at)
    || '.' || SUBSTR(SUBSTR(created_at, 21) || '000000', 1, 6) || '+00:00' AS created_at,
    STRFTIME('%Y-%m-%dT%H:%M:%S', COALESCE(modified_at, created_at))
    || '.' || SUBSTR(SUBSTR(COALESCE(modified_at, created_at), 21) || '000000', 1, 6)
    || '+00:00' AS modified_at
FROM adopt_authstate;

INSERT INTO auth_tokens (
    id, user_id, refresh_token, created_at, modified_at
)
SELECT
    CASE
        WHEN LENGTH(id) = 32 AND id NOT GLOB '*[^0-9a-fA-F]*'
            THEN
                LOWER(
                    SUBSTR(id, 1, 8) || '-' || SUBSTR(id, 9, 4) || '-' || SUBSTR(id, 13, 4)
                    || '-' || SUBSTR(id, 17, 4) || '-' || SUBSTR(id, 21)
                )
    END AS id,
    CASE
        WHEN LENGTH(user_id) = 32 AND user_id NOT GLOB '*[^0-9a-fA-F]*'
            THEN
                LOWER(
                    SUBSTR(user_id, 1, 8) || '-' || SUBSTR(user_id, 9, 4) || '-' || SUBSTR(user_id, 13, 4)
                    || '-' || SUBSTR(user_id, 17, 4) || '-' || SUBSTR(user_id, 21)
                )
    END AS user_id,
    refresh_token,
    STRFTIME('%Y-%m-%dT%H:%M:%S', created_at)
    || '.' || SUBSTR(SUBSTR(created_at, 21) || '000000', 1, 6) || '+00:00' AS created_at,
    STRFTIME('%Y-%m-%dT%H:%M:%S', COALESCE(modified_at, created_at))
    || '.' || SUBSTR(SUBSTR(COALESCE(modified_at, created_at), 21) || '000000', 1, 6)
    || '+00:00' AS modified_at
FROM adopt_authtoken;

INSERT INTO logs (
    id, level, message, created_at, modified_at
)
SELECT
    CASE
        WHEN LENGTH(id) = 32 AND id NOT GLOB '*[^0-9a-fA-F]*'
            THEN
                LOWER(
                    SUBSTR(id, 1, 8) || '-' || SUBSTR(id, 9, 4) || '-' || SUBSTR(id, 13, 4)
                    || '-' || SUBSTR(id, 17, 4) || '-' || SUBSTR(id, 21)
                )
    END AS id,
    level,
    message,
    STRFTIME('%Y-%m-%dT%H:%M:%S', created_at)
    || '.' || SUBSTR(SUBSTR(created_at, 21) || '000000', 1, 6) || '+00:00' AS created_at,
    STRFTIME('%Y-%m-%dT%H:%M:%S', COALESCE(modified_at, created_at))
    || '.' || SUBSTR(SUBSTR(COALESCE(modified_at, created_at), 21) || '000000', 1, 6)
    || '+00:00' AS modified_at
FROM adopt_log;

DROP TABLE adopt_user;
DROP TABLE adopt_orchestrator;
DROP TABLE adopt_operator;
DROP TABLE adopt_client;
DROP TABLE adopt_project;
DROP TABLE adopt_tool;
DROP TABLE adopt_usertoollink;
DROP TABLE adopt_orchestratortoollink;
DROP TABLE adopt_operatortoollink;
DROP TABLE adopt_message;
DROP TABLE adopt_node;
DROP TABLE adopt_reponode;
DROP TABLE adopt_authstate;
DROP TABLE adopt_authtoken;
DROP TABLE adopt_log;
