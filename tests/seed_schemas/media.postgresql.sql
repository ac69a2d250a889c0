-- The media-AI SDK's schema on PostgreSQL as its own code leaves it: the
-- Alembic revisions it ships (aana/alembic/versions: init, num_retries,
-- user_id, webhooks; run by `aana migrate`), which autogenerate rendered from
-- its SQLAlchemy models (aana/storage/models: MediaEntity, VideoEntity,
-- TranscriptEntity, CaptionEntity, TaskEntity, WebhookEntity) with the
-- BaseEntity naming convention. Rebuilt from those files and
-- the project's notes on the replaced systems; column comments left out. (Its models'
-- metadata.create_all cannot run here: the CHECK "0 <= language_confidence
-- <= 1" is not PostgreSQL, and autogenerate left the checks out.) Times are
-- TIMESTAMP WITH TIME ZONE, the status Enum a native type of the member names,
-- task data a pickle (BYTEA), events JSONB, result and segments JSON.
-- Transcripts and captions name no media: the SDK links them in an app's own
-- subclass table. A test fixture: the database sqlstore.adopt takes over.
CREATE TYPE status AS ENUM ('CREATED', 'ASSIGNED', 'COMPLETED', 'RUNNING', 'FAILED', 'NOT_FINISHED');
CREATE TABLE caption (
	id SERIAL NOT NULL,
	model VARCHAR NOT NULL,
	frame_id INTEGER NOT NULL,
	caption VARCHAR NOT NULL,
	timestamp FLOAT NOT NULL,
	caption_type VARCHAR NOT NULL,
	created_at TIMESTAMP WITH TIME ZONE DEFAULT (CURRENT_TIMESTAMP) NOT NULL,
	updated_at TIMESTAMP WITH TIME ZONE DEFAULT (CURRENT_TIMESTAMP) NOT NULL,
	CONSTRAINT pk_caption PRIMARY KEY (id)
);
CREATE TABLE media (
	id VARCHAR(36) NOT NULL,
	media_type VARCHAR NOT NULL,
	created_at TIMESTAMP WITH TIME ZONE DEFAULT (CURRENT_TIMESTAMP) NOT NULL,
	updated_at TIMESTAMP WITH TIME ZONE DEFAULT (CURRENT_TIMESTAMP) NOT NULL,
	CONSTRAINT pk_media PRIMARY KEY (id)
);
CREATE TABLE tasks (
	id UUID NOT NULL,
	endpoint VARCHAR NOT NULL,
	data BYTEA NOT NULL,
	status status NOT NULL,
	priority INTEGER NOT NULL,
	assigned_at TIMESTAMP WITH TIME ZONE,
	completed_at TIMESTAMP WITH TIME ZONE,
	progress FLOAT NOT NULL,
	result JSON,
	created_at TIMESTAMP WITH TIME ZONE DEFAULT (CURRENT_TIMESTAMP) NOT NULL,
	updated_at TIMESTAMP WITH TIME ZONE DEFAULT (CURRENT_TIMESTAMP) NOT NULL,
	num_retries INTEGER DEFAULT 0 NOT NULL,
	user_id VARCHAR,
	CONSTRAINT pk_tasks PRIMARY KEY (id)
);
CREATE INDEX ix_tasks_status ON tasks (status);
CREATE INDEX ix_tasks_user_id ON tasks (user_id);
CREATE TABLE transcript (
	id SERIAL NOT NULL,
	model VARCHAR NOT NULL,
	transcript VARCHAR NOT NULL,
	segments JSON NOT NULL,
	language VARCHAR NOT NULL,
	language_confidence FLOAT NOT NULL,
	transcript_type VARCHAR NOT NULL,
	created_at TIMESTAMP WITH TIME ZONE DEFAULT (CURRENT_TIMESTAMP) NOT NULL,
	updated_at TIMESTAMP WITH TIME ZONE DEFAULT (CURRENT_TIMESTAMP) NOT NULL,
	CONSTRAINT pk_transcript PRIMARY KEY (id)
);
CREATE TABLE video (
	id VARCHAR(36) NOT NULL,
	path VARCHAR,
	url VARCHAR,
	title VARCHAR,
	description VARCHAR,
	CONSTRAINT pk_video PRIMARY KEY (id),
	CONSTRAINT fk_video_id_media FOREIGN KEY(id) REFERENCES media (id)
);
CREATE TABLE webhooks (
	id UUID NOT NULL,
	user_id VARCHAR,
	url VARCHAR NOT NULL,
	events JSONB NOT NULL,
	created_at TIMESTAMP WITH TIME ZONE DEFAULT (CURRENT_TIMESTAMP) NOT NULL,
	updated_at TIMESTAMP WITH TIME ZONE DEFAULT (CURRENT_TIMESTAMP) NOT NULL,
	CONSTRAINT pk_webhooks PRIMARY KEY (id)
);
CREATE INDEX ix_webhooks_user_id ON webhooks (user_id);
