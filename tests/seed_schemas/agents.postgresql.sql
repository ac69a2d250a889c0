-- The agent framework's schema on PostgreSQL as its own code creates it:
-- SQLModel.metadata.create_all over its table models (concrete-db,
-- src/concrete-db/concrete_db/orm/models.py: User, Orchestrator, Operator,
-- Client, Project, Tool, the three *ToolLink tables, Message, Node, RepoNode,
-- AuthState, AuthToken, Log), rebuilt from that file and
-- the project's notes on the replaced systems: table names are the lower-cased class names,
-- uuid ids UUID, times TIMESTAMP WITH TIME ZONE, the message status Enum
-- a native type of the member names ('INIT', ...), message content as JSON
-- text in VARCHAR.
-- A test fixture: the database sqlstore.adopt takes over.
CREATE TYPE projectstatus AS ENUM ('INIT', 'READY', 'WORKING', 'WAITING', 'FINISHED');
CREATE TABLE "user" (
	id UUID NOT NULL,
	created_at TIMESTAMP WITH TIME ZONE DEFAULT now() NOT NULL,
	modified_at TIMESTAMP WITH TIME ZONE DEFAULT now(),
	profile_picture_url VARCHAR,
	first_name VARCHAR(64),
	last_name VARCHAR(64),
	email VARCHAR(128) NOT NULL,
	PRIMARY KEY (id),
	UNIQUE (email)
);
CREATE TABLE tool (
	id UUID NOT NULL,
	created_at TIMESTAMP WITH TIME ZONE DEFAULT now() NOT NULL,
	modified_at TIMESTAMP WITH TIME ZONE DEFAULT now(),
	name VARCHAR(64) NOT NULL,
	PRIMARY KEY (id)
);
CREATE TABLE node (
	id UUID NOT NULL,
	created_at TIMESTAMP WITH TIME ZONE DEFAULT now() NOT NULL,
	modified_at TIMESTAMP WITH TIME ZONE DEFAULT now(),
	parent_id UUID,
	PRIMARY KEY (id),
	FOREIGN KEY(parent_id) REFERENCES node (id) ON DELETE CASCADE
);
CREATE TABLE reponode (
	id UUID NOT NULL,
	created_at TIMESTAMP WITH TIME ZONE DEFAULT now() NOT NULL,
	modified_at TIMESTAMP WITH TIME ZONE DEFAULT now(),
	org VARCHAR NOT NULL,
	repo VARCHAR NOT NULL,
	partition_type VARCHAR NOT NULL,
	name VARCHAR NOT NULL,
	summary VARCHAR NOT NULL,
	children_summaries VARCHAR NOT NULL,
	parent_id UUID,
	abs_path VARCHAR NOT NULL,
	branch VARCHAR NOT NULL,
	PRIMARY KEY (id),
	FOREIGN KEY(parent_id) REFERENCES reponode (id) ON DELETE CASCADE
);
CREATE INDEX ix_reponode_branch ON reponode (branch);
CREATE INDEX ix_reponode_repo ON reponode (repo);
CREATE INDEX ix_reponode_org ON reponode (org);
CREATE INDEX ix_org_repo ON reponode (org, repo);
CREATE TABLE authstate (
	id UUID NOT NULL,
	created_at TIMESTAMP WITH TIME ZONE DEFAULT now() NOT NULL,
	modified_at TIMESTAMP WITH TIME ZONE DEFAULT now(),
	state VARCHAR(128) NOT NULL,
	destination_url VARCHAR(128) NOT NULL,
	PRIMARY KEY (id)
);
CREATE TABLE log (
	id UUID NOT NULL,
	created_at TIMESTAMP WITH TIME ZONE DEFAULT now() NOT NULL,
	modified_at TIMESTAMP WITH TIME ZONE DEFAULT now(),
	level VARCHAR(10) NOT NULL,
	message VARCHAR NOT NULL,
	PRIMARY KEY (id)
);
CREATE TABLE usertoollink (
	user_id UUID NOT NULL,
	tool_id UUID NOT NULL,
	PRIMARY KEY (user_id, tool_id),
	FOREIGN KEY(user_id) REFERENCES "user" (id) ON DELETE CASCADE,
	FOREIGN KEY(tool_id) REFERENCES tool (id) ON DELETE CASCADE
);
CREATE INDEX ix_usertoollink_user_id ON usertoollink (user_id);
CREATE TABLE orchestrator (
	id UUID NOT NULL,
	created_at TIMESTAMP WITH TIME ZONE DEFAULT now() NOT NULL,
	modified_at TIMESTAMP WITH TIME ZONE DEFAULT now(),
	type VARCHAR(32) NOT NULL,
	name VARCHAR(32) NOT NULL,
	user_id UUID NOT NULL,
	PRIMARY KEY (id),
	CONSTRAINT no_duplicate_names_per_user UNIQUE (name, user_id),
	FOREIGN KEY(user_id) REFERENCES "user" (id) ON DELETE CASCADE
);
CREATE TABLE authtoken (
	id UUID NOT NULL,
	created_at TIMESTAMP WITH TIME ZONE DEFAULT now() NOT NULL,
	modified_at TIMESTAMP WITH TIME ZONE DEFAULT now(),
	refresh_token VARCHAR(128) NOT NULL,
	user_id UUID NOT NULL,
	PRIMARY KEY (id),
	FOREIGN KEY(user_id) REFERENCES "user" (id) ON DELETE CASCADE
);
CREATE TABLE orchestratortoollink (
	orchestrator_id UUID NOT NULL,
	tool_id UUID NOT NULL,
	PRIMARY KEY (orchestrator_id, tool_id),
	FOREIGN KEY(orchestrator_id) REFERENCES orchestrator (id) ON DELETE CASCADE,
	FOREIGN KEY(tool_id) REFERENCES tool (id) ON DELETE CASCADE
);
CREATE INDEX ix_orchestratortoollink_orchestrator_id ON orchestratortoollink (orchestrator_id);
CREATE TABLE operator (
	id UUID NOT NULL,
	created_at TIMESTAMP WITH TIME ZONE DEFAULT now() NOT NULL,
	modified_at TIMESTAMP WITH TIME ZONE DEFAULT now(),
	profile_picture_url VARCHAR,
	instructions VARCHAR NOT NULL,
	name VARCHAR(64) NOT NULL,
	title VARCHAR(32) NOT NULL,
	orchestrator_id UUID NOT NULL,
	PRIMARY KEY (id),
	CONSTRAINT no_duplicate_operators_per_orchestrator UNIQUE (name, orchestrator_id),
	FOREIGN KEY(orchestrator_id) REFERENCES orchestrator (id) ON DELETE CASCADE
);
CREATE TABLE operatortoollink (
	operator_id UUID NOT NULL,
	tool_id UUID NOT NULL,
	PRIMARY KEY (operator_id, tool_id),
	FOREIGN KEY(operator_id) REFERENCES operator (id) ON DELETE CASCADE,
	FOREIGN KEY(tool_id) REFERENCES tool (id) ON DELETE CASCADE
);
CREATE INDEX ix_operatortoollink_operator_id ON operatortoollink (operator_id);
CREATE TABLE client (
	id UUID NOT NULL,
	created_at TIMESTAMP WITH TIME ZONE DEFAULT now() NOT NULL,
	modified_at TIMESTAMP WITH TIME ZONE DEFAULT now(),
	client VARCHAR(32) NOT NULL,
	temperature FLOAT NOT NULL,
	model VARCHAR(32) NOT NULL,
	orchestrator_id UUID NOT NULL,
	operator_id UUID NOT NULL,
	PRIMARY KEY (id),
	FOREIGN KEY(orchestrator_id) REFERENCES orchestrator (id),
	FOREIGN KEY(operator_id) REFERENCES operator (id) ON DELETE CASCADE
);
CREATE TABLE project (
	id UUID NOT NULL,
	created_at TIMESTAMP WITH TIME ZONE DEFAULT now() NOT NULL,
	modified_at TIMESTAMP WITH TIME ZONE DEFAULT now(),
	name VARCHAR(64) NOT NULL,
	orchestrator_id UUID NOT NULL,
	executive_id UUID,
	developer_id UUID,
	direct_message_operator_id UUID,
	PRIMARY KEY (id),
	CONSTRAINT no_duplicate_projects_per_orchestrator UNIQUE (name, orchestrator_id),
	FOREIGN KEY(orchestrator_id) REFERENCES orchestrator (id) ON DELETE CASCADE,
	FOREIGN KEY(executive_id) REFERENCES operator (id),
	FOREIGN KEY(developer_id) REFERENCES operator (id),
	UNIQUE (direct_message_operator_id),
	FOREIGN KEY(direct_message_operator_id) REFERENCES operator (id) ON DELETE CASCADE
);
CREATE TABLE message (
	id UUID NOT NULL,
	created_at TIMESTAMP WITH TIME ZONE DEFAULT now() NOT NULL,
	modified_at TIMESTAMP WITH TIME ZONE DEFAULT now(),
	type VARCHAR NOT NULL,
	content VARCHAR NOT NULL,
	prompt VARCHAR,
	status projectstatus NOT NULL,
	project_id UUID NOT NULL,
	user_id UUID,
	operator_id UUID,
	PRIMARY KEY (id),
	CONSTRAINT "The sender can only be one entity!" CHECK ((operator_id IS NULL) <> (user_id IS NULL)),
	FOREIGN KEY(project_id) REFERENCES project (id) ON DELETE CASCADE,
	FOREIGN KEY(user_id) REFERENCES "user" (id),
	FOREIGN KEY(operator_id) REFERENCES operator (id)
);
