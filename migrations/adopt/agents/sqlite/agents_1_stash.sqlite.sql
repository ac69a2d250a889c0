-- Adopt the agent framework's database, step 1 of 2: keep its rows in
-- temporary tables and drop its user, orchestrator, operator, client,
-- project, tool, usertoollink, orchestratortoollink, operatortoollink,
-- message, node, reponode, authstate, authtoken and log tables (their indexes
-- go with them), so that sqlstore's 0004_agents creates its tables as on a
-- fresh database. Between the steps sqlstore checks that every row's parent
-- is there (SQLite never enforced the framework's foreign keys). Runs in one
-- transaction with 0004 and step 2: a failure leaves the framework's tables
-- as they were.
CREATE TEMPORARY TABLE adopt_user AS SELECT * FROM user;
CREATE TEMPORARY TABLE adopt_orchestrator AS SELECT * FROM orchestrator;
CREATE TEMPORARY TABLE adopt_operator AS SELECT * FROM operator;
CREATE TEMPORARY TABLE adopt_client AS SELECT * FROM client;
CREATE TEMPORARY TABLE adopt_project AS SELECT * FROM project;
CREATE TEMPORARY TABLE adopt_tool AS SELECT * FROM tool;
CREATE TEMPORARY TABLE adopt_usertoollink AS SELECT * FROM usertoollink;
CREATE TEMPORARY TABLE adopt_orchestratortoollink AS SELECT * FROM orchestratortoollink;
CREATE TEMPORARY TABLE adopt_operatortoollink AS SELECT * FROM operatortoollink;
CREATE TEMPORARY TABLE adopt_message AS SELECT * FROM message;
CREATE TEMPORARY TABLE adopt_node AS SELECT * FROM node;
CREATE TEMPORARY TABLE adopt_reponode AS SELECT * FROM reponode;
CREATE TEMPORARY TABLE adopt_authstate AS SELECT * FROM authstate;
CREATE TEMPORARY TABLE adopt_authtoken AS SELECT * FROM authtoken;
CREATE TEMPORARY TABLE adopt_log AS SELECT * FROM log;
DROP TABLE message;
DROP TABLE usertoollink;
DROP TABLE orchestratortoollink;
DROP TABLE operatortoollink;
DROP TABLE authtoken;
DROP TABLE client;
DROP TABLE project;
DROP TABLE operator;
DROP TABLE orchestrator;
DROP TABLE tool;
DROP TABLE user;
DROP TABLE node;
DROP TABLE reponode;
DROP TABLE authstate;
DROP TABLE log;
